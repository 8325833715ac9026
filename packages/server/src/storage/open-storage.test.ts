import { describe, expect, it } from 'vitest';
import { testBackends } from '../test-kit/test-backends.js';
import { migrateToLatest, parseStoreUri, redactPassword } from './index.js';

describe('parseStoreUri', () => {
  it('reads SQLAlchemy-style sqlite URIs', () => {
    expect(parseStoreUri('sqlite:////tmp/a/cairn.db')).toEqual({
      dialect: 'sqlite',
      path: '/tmp/a/cairn.db',
    });
    expect(parseStoreUri('sqlite:///:memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
  });

  it('reads postgres URIs and drops a driver suffix', () => {
    expect(parseStoreUri('postgresql+psycopg2://u:p@h:5432/db')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgresql://u:p@h:5432/db',
    });
  });

  it('refuses other schemes without echoing the password', () => {
    expect(() => parseStoreUri('mysql://u:secret@h/db')).toThrow(/mysql:\/\/u:\*\*\*@h\/db/);
    expect(redactPassword('postgresql://u:secret@h/db')).toBe('postgresql://u:***@h/db');
  });
});

describe.each(testBackends())('storage on $name', (backend) => {
  it('migrates once, creates the Default experiment with id 0, and is idempotent', async () => {
    const storage = await backend.open();
    try {
      const experiments = await storage.db.selectFrom('experiments').selectAll().execute();
      expect(experiments).toHaveLength(1);
      expect(experiments[0]).toMatchObject({
        experiment_id: 0,
        name: 'Default',
        lifecycle_stage: 'active',
      });
      expect(await migrateToLatest(storage)).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('commits concurrent writes in groups and reports a failing write alone', async () => {
    const storage = await backend.open();
    try {
      const insertTag = (key: string) =>
        storage.writes.run((trx) =>
          trx.insertInto('experiment_tags').values({ experiment_id: 0, key, value: 'v' }).execute(),
        );
      const results = await Promise.allSettled([
        insertTag('a'),
        insertTag('b'),
        insertTag('a'),
        insertTag('c'),
      ]);
      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const keys = await storage.db
        .selectFrom('experiment_tags')
        .select('key')
        .orderBy('key')
        .execute();
      expect(keys.map((row) => row.key)).toEqual(['a', 'b', 'c']);
    } finally {
      await storage.close();
    }
  });
});
