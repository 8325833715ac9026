import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import type { Storage } from '../index.js';

describe.each(testBackends().filter((backend) => backend.name === 'sqlite'))(
  'migration 014 on $name',
  (backend) => {
    let storage: Storage | undefined;
    afterEach(async () => {
      await storage?.close();
      storage = undefined;
    });

    it("reads an experiment's trace ids, and its traces by time, from one index", async () => {
      storage = await backend.open();
      const db = storage.db;
      const indexes = await sql<{ name: string }>`select name from sqlite_schema
        where type = 'index' and tbl_name = 'trace_info' and name like 'trace_info_experiment%'`.execute(
        db,
      );
      expect(indexes.rows.map((row) => row.name)).toEqual(['trace_info_experiment_time_trace_idx']);
      const plan = async (query: string) =>
        (await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(db)).rows
          .map((row) => row.detail)
          .join(' | ');
      expect(await plan('select request_id from trace_info where experiment_id in (1, 2)')).toMatch(
        /COVERING INDEX trace_info_experiment_time_trace_idx/,
      );
      expect(
        await plan(
          'select * from trace_info where experiment_id = 1 order by timestamp_ms desc limit 10',
        ),
      ).toMatch(/INDEX trace_info_experiment_time_trace_idx/);
    });
  },
);
