import { fileURLToPath } from 'node:url';
import type { ArtifactRepository, ArtifactStoreSettings } from './artifact-repository.js';
import { LocalArtifactRepository } from './local-artifact-repository.js';

/**
 * Opens the repository a `--artifacts-destination` value names: `s3://bucket/prefix`,
 * `wasbs://container@account.blob.core.windows.net/prefix`, `azure://container/prefix`, or a
 * local directory (a plain path or a `file://` URI).
 *
 * @example await openArtifactRepository('s3://my-bucket/cairn', { s3: { region: 'eu-west-1' } })
 */
export async function openArtifactRepository(
  destination: string,
  settings: ArtifactStoreSettings = {},
): Promise<ArtifactRepository> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(destination)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined:
      return LocalArtifactRepository.open(destination);
    case 'file':
      return LocalArtifactRepository.open(fileURLToPath(destination));
    // The cloud SDKs load only when used: they cost ~27 MB of memory per process.
    case 's3': {
      const { S3ArtifactRepository } = await import('./s3-artifact-repository.js');
      return new S3ArtifactRepository(destination, settings.s3);
    }
    case 'wasbs':
    case 'wasb':
    case 'azure': {
      const { AzureArtifactRepository } = await import('./azure-artifact-repository.js');
      return new AzureArtifactRepository(destination, settings.azure);
    }
    default:
      throw new Error(
        `Unsupported artifacts destination '${destination}': use a local path, file://, s3://, wasbs:// or azure://.`,
      );
  }
}
