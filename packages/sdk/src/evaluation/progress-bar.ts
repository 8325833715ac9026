import type { EvaluationProgress } from '@cairn/evaluation';
import cliProgress from 'cli-progress';

/** A progress bar on standard error for an evaluation; `update` is safe to call often. */
export interface ProgressBar {
  update(progress: EvaluationProgress): void;
  stop(): void;
}

/** A terminal progress bar, or a no-op when standard error is not a terminal. */
export function evaluationProgressBar(enabled: boolean): ProgressBar {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {phase} |{bar}| {value}/{total} rows | {failed} failed | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: EvaluationProgress['phase'] | undefined;
  return {
    update(progress) {
      if (phase !== progress.phase) {
        if (phase !== undefined) bar.stop();
        phase = progress.phase;
        bar.start(progress.total, progress.done, {
          phase: progress.phase === 'predict' ? 'predicting' : 'scoring   ',
          failed: progress.failed,
        });
        return;
      }
      bar.update(progress.done, { failed: progress.failed });
    },
    stop() {
      if (phase !== undefined) bar.stop();
    },
  };
}
