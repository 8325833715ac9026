import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatBytes, progressReporter } from './download-progress.js';
import { printJson, printLine, renderTable } from './output-format.js';
import { trackingUriOption, withTrackingClient } from './tracking-client.js';

/** `cairn artifacts list|download`: browse and fetch a run's artifacts. */
export function artifactsCommand(program: Command): void {
  const artifacts = program
    .command('artifacts')
    .description("List and download a run's artifacts through the tracking server.");

  artifacts
    .command('list')
    .description('List the files and directories directly under an artifact path of a run.')
    .requiredOption('-r, --run-id <id>', 'the run whose artifacts to list')
    .option('-a, --artifact-path <path>', 'directory inside the run (default: its root)')
    .option('--json', 'print JSON instead of a table')
    .addOption(trackingUriOption())
    .action(
      async (options: {
        runId: string;
        artifactPath?: string;
        json?: boolean;
        trackingUri?: string;
      }) => {
        const files = await withTrackingClient(options.trackingUri, (client) =>
          client.listArtifacts(options.runId, options.artifactPath),
        );
        if (options.json) return printJson(files);
        if (files.length === 0) return printLine('No artifacts.');
        printLine(
          renderTable(
            ['Path', 'Type', 'Size'],
            files.map((file) => [
              file.path,
              file.is_dir ? 'dir' : 'file',
              file.is_dir ? '' : formatBytes(file.file_size ?? 0),
            ]),
          ),
        );
      },
    );

  artifacts
    .command('download')
    .description(
      'Download a run artifact (a file or a whole directory) and print where it landed.\n' +
        'Shows a progress bar when the output is a terminal. Example:\n' +
        '  cairn artifacts download --run-id 3f2a… --artifact-path model --dst ./out',
    )
    .requiredOption('-r, --run-id <id>', 'the run whose artifacts to download')
    .option('-a, --artifact-path <path>', 'file or directory inside the run (default: everything)')
    .option('-d, --dst <dir>', 'local directory to download into (default: the current one)')
    .addOption(trackingUriOption())
    .action(
      async (options: {
        runId: string;
        artifactPath?: string;
        dst?: string;
        trackingUri?: string;
      }) => {
        const destination = resolve(options.dst ?? '.');
        const progress = progressReporter(Boolean(process.stdout.isTTY && process.stderr.isTTY));
        try {
          const localPath = await withTrackingClient(options.trackingUri, (client) =>
            client.downloadArtifacts(options.runId, options.artifactPath ?? '', destination, {
              onProgress: progress.update,
            }),
          );
          progress.stop();
          printLine(localPath);
        } finally {
          progress.stop();
        }
      },
    );
}
