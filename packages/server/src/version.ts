/** Cairn's version, answered by `GET /version`. Kept in step with package.json by the release. */
export const cairnVersion = '0.1.0';
