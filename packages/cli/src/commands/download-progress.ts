import type { DownloadProgress } from '@cairn/sdk';
import cliProgress from 'cli-progress';

/** Receives download progress; draws a bar on a terminal and does nothing otherwise. */
export interface ProgressReporter {
  update: (progress: DownloadProgress) => void;
  stop: () => void;
}

/**
 * A progress bar for the file being downloaded, on standard error so piped output stays clean,
 * when `enabled` (a terminal); a silent reporter otherwise. `stop()` may be called more than once.
 */
export function progressReporter(
  enabled: boolean,
  stream: NodeJS.WritableStream = process.stderr,
): ProgressReporter {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {file} {done}/{size} | {files} done, {all} in all',
      hideCursor: true,
      clearOnComplete: false,
      forceRedraw: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(progress) {
      if (stopped) return;
      const size = Math.max(progress.fileSize ?? progress.fileBytes, 1);
      const payload = {
        file: progress.path,
        done: formatBytes(progress.fileBytes),
        size: progress.fileSize === undefined ? '?' : formatBytes(progress.fileSize),
        files: `${progress.filesDone} file${progress.filesDone === 1 ? '' : 's'}`,
        all: formatBytes(progress.totalBytes),
      };
      if (!started) {
        bar.start(size, progress.fileBytes, payload);
        started = true;
        return;
      }
      bar.setTotal(size);
      bar.update(progress.fileBytes, payload);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** Bytes in a short human unit: 512 B, 1.5 KB, 20.0 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
