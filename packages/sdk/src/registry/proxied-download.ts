import type { FileInfo } from '@cairn/spec';
import { confinedPath, downloadFile } from '../client/artifact-transfer.js';
import { artifactUrl } from '../client/artifact-uri.js';
import type { HttpTransport } from '../client/http-transport.js';

/**
 * Downloads everything under a `mlflow-artifacts:` URI into `destDir` through the server's
 * artifact proxy (listing with `GET /api/2.0/mlflow-artifacts/artifacts?path=`). Every local
 * path is confined to `destDir`.
 */
export async function downloadProxiedDirectory(
  transport: HttpTransport,
  trackingUri: string,
  artifactUri: string,
  destDir: string,
): Promise<string> {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
  if (!match)
    throw new Error(
      `Model files at '${artifactUri}' are not served by the tracking server; only mlflow-artifacts: sources can be downloaded through it.`,
    );
  const root = match[1]!.replace(/\/+$/, '');
  const walk = async (relative: string): Promise<void> => {
    const listing = await transport.json<{ files?: FileInfo[] }>({
      method: 'GET',
      url: `${trackingUri}/api/2.0/mlflow-artifacts/artifacts`,
      query: { path: relative === '' ? root : `${root}/${relative}` },
    });
    for (const entry of listing.files ?? []) {
      const child = relative === '' ? entry.path : `${relative}/${entry.path}`;
      if (entry.is_dir) await walk(child);
      else
        await downloadFile(
          transport,
          artifactUrl(trackingUri, artifactUri, child),
          confinedPath(destDir, child),
          () => {},
        );
    }
  };
  await walk('');
  return destDir;
}
