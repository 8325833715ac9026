import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, progressReporter } from './download-progress.js';

describe('progressReporter', () => {
  it('draws a bar naming the file and the bytes when enabled', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let drawn = '';
    stream.on('data', (chunk) => {
      drawn += chunk;
    });
    const reporter = progressReporter(true, stream);
    reporter.update({
      path: 'model/weights.bin',
      fileBytes: 512,
      fileSize: 2048,
      totalBytes: 512,
      filesDone: 0,
    });
    reporter.update({
      path: 'model/weights.bin',
      fileBytes: 2048,
      fileSize: 2048,
      totalBytes: 2048,
      filesDone: 0,
    });
    reporter.stop();
    reporter.stop();
    expect(drawn).toContain('model/weights.bin');
    expect(drawn).toContain('100%');
    expect(drawn).toContain('2.0 KB/2.0 KB');
  });

  it('writes nothing when disabled', () => {
    const stream = new PassThrough();
    let drawn = '';
    stream.on('data', (chunk) => {
      drawn += chunk;
    });
    const reporter = progressReporter(false, stream);
    reporter.update({ path: 'a', fileBytes: 1, fileSize: 1, totalBytes: 1, filesDone: 0 });
    reporter.stop();
    expect(drawn).toBe('');
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MB');
  });
});
