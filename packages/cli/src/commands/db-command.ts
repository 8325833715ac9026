import { migrateToLatest, openStorage, redactPassword } from '@cairn/server';
import type { Command } from 'commander';

/** `cairn db upgrade <uri>`: bring a metadata store's schema up to date. */
export function dbCommand(program: Command): void {
  const db = program.command('db').description('Manage the metadata database.');
  db.command('upgrade')
    .description('Apply pending schema migrations (the server also does this on start).')
    .argument('<uri>', 'sqlite:///path/to/cairn.db or postgresql://user:pass@host:port/db')
    .action(async (uri: string) => {
      const storage = await openStorage(uri, { migrate: false });
      try {
        const applied = await migrateToLatest(storage);
        console.log(
          applied.length === 0
            ? `${redactPassword(uri)} is up to date.`
            : `Applied ${applied.length} migration(s) to ${redactPassword(uri)}: ${applied.join(', ')}`,
        );
      } finally {
        await storage.close();
      }
    });
}
