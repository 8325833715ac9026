import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3Settings } from '../artifact-repository.js';

/** A running s3rver and the settings that reach it. */
export interface RunningS3rver {
  settings: S3Settings;
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port, backed by a temporary directory, and creates `bucket`. */
export async function startS3rver(bucket: string): Promise<RunningS3rver> {
  const directory = mkdtempSync(join(tmpdir(), 'cairn-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  // s3rver's default account.
  const settings: S3Settings = {
    endpointUrl: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const client = new S3Client({
    endpoint: settings.endpointUrl,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    settings,
    stop: async () => {
      // The SDK keeps connections alive, which would hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
