import { describe, expect, it } from 'vitest';
import { parseAzureDestination } from './azure-artifact-repository.js';
import { guessContentType } from './content-type.js';
import { openArtifactRepository, proxiedArtifactPath } from './index.js';
import { attachmentDisposition } from './send-artifact.js';

describe('openArtifactRepository', () => {
  it('refuses unknown schemes and Azure without credentials', async () => {
    await expect(openArtifactRepository('gs://bucket/x')).rejects.toThrow(/Unsupported artifacts/);
    await expect(openArtifactRepository('azure://container/x')).rejects.toThrow(
      /AZURE_STORAGE_CONNECTION_STRING/,
    );
    await expect(openArtifactRepository('s3://bucket/../x')).rejects.toThrow(/Invalid path/);
  });

  it('reads both Azure destination forms', () => {
    expect(parseAzureDestination('wasbs://artifacts@acct.blob.core.windows.net/team/a')).toEqual({
      containerName: 'artifacts',
      accountName: 'acct',
      prefix: 'team/a',
    });
    expect(parseAzureDestination('azure://artifacts')).toEqual({
      containerName: 'artifacts',
      accountName: undefined,
      prefix: '',
    });
    expect(() => parseAzureDestination('wasbs://acct.blob.core.windows.net/x')).toThrow(
      /Not an Azure Blob URI/,
    );
  });
});

describe('proxiedArtifactPath', () => {
  it('maps mlflow-artifacts URIs, with or without a host, to repository paths', () => {
    expect(proxiedArtifactPath('mlflow-artifacts:/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect(proxiedArtifactPath('mlflow-artifacts://host:5000/1/abc/artifacts')).toBe(
      '1/abc/artifacts',
    );
    expect(proxiedArtifactPath('mlflow-artifacts:/')).toBe('');
  });

  it('refuses other schemes and traversal inside the URI', () => {
    expect(() => proxiedArtifactPath('s3://bucket/1/abc/artifacts')).toThrow(
      /only serves proxied artifacts/,
    );
    for (const uri of [
      'mlflow-artifacts:/../../etc',
      'mlflow-artifacts:/1/%2e%2e/%2e%2e/x',
      'mlflow-artifacts://h/1/a?b=/../',
      'mlflow-artifacts://h#/../../etc/',
      'mlflow-artifacts:/1/a;/../../x',
      'mlflow-artifacts://h#x/1/abc/artifacts',
      'mlflow-artifacts://h?x/1/abc/artifacts',
    ]) {
      expect(() => proxiedArtifactPath(uri), uri).toThrow(/Invalid path/);
    }
  });
});

describe('download headers', () => {
  it('guesses types as MLflow does', () => {
    expect(guessContentType('MLmodel')).toBe('text/plain');
    expect(guessContentType('metrics.json')).toBe('text/plain');
    expect(guessContentType('plot.PNG')).toBe('image/png');
    expect(guessContentType('model.pkl')).toBe('application/octet-stream');
  });

  it('names the file plainly when it can, and in RFC 5987 form when it cannot', () => {
    expect(attachmentDisposition('model.pkl')).toBe('attachment; filename=model.pkl');
    expect(attachmentDisposition('résumé "v2".txt')).toBe(
      `attachment; filename="r_sum_ _v2_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.txt`,
    );
  });
});
