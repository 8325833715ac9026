/**
 * A tracking URI as the client uses it: `http(s)://host[:port][/prefix]` without a trailing
 * slash. Local file stores (`./mlruns`, `file:`) and hosted schemes (`databricks`) are refused
 * with a message saying what is expected, since only a Cairn or MLflow server can answer.
 *
 * @example parseTrackingUri('http://localhost:5000/') // 'http://localhost:5000'
 */
export function parseTrackingUri(uri: string): string {
  const text = uri.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `Tracking URI '${text}' is not a URL; expected http://host:port of a Cairn or MLflow server.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `Tracking URI scheme '${url.protocol}' is not supported; expected http:// or https://.`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(`Tracking URI '${text}' must not carry a query string or fragment.`);
  }
  // Credentials in the URI would end up in logs and error messages; take them from the environment.
  if (url.username || url.password) {
    throw new Error(
      'Tracking URI must not contain credentials; set CAIRN_TRACKING_USERNAME/PASSWORD or CAIRN_TRACKING_TOKEN.',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
