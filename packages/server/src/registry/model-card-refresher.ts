import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { CairnError } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import type { ModelCardService } from './model-card-service.js';

/** Version number standing for a model's aliased and staged versions (a model-level change). */
export const prominentVersions = 0;

/** Marks a version's stored card stale; call it inside the transaction that changed the version. */
export async function markCardStale(
  db: Kysely<DatabaseSchema>,
  name: string,
  version: number,
  now: number,
): Promise<void> {
  await db
    .insertInto('model_card_queue')
    .values({ name, version, generation: 1, marked_time: now })
    .onConflict((conflict) =>
      conflict
        .columns(['name', 'version'])
        .doUpdateSet({ generation: sql`model_card_queue.generation + 1`, marked_time: now }),
    )
    .execute();
}

/** Options of the refresher (tests shorten the delay). */
export interface ModelCardRefresherOptions {
  /** How long a nudge waits before rendering, so bursts of changes coalesce (default 200 ms). */
  delayMs?: number;
  /** Stale cards read per round (default 200). */
  batchSize?: number;
}

/**
 * Renders and stores stale model cards in the background: registry writes only mark a card
 * stale (in their own transaction), so bulk registration never waits on rendering, and a
 * version changed many times in a burst is rendered once. A round reads a batch of marks,
 * renders each card and deletes the marks it rendered unless they were marked again meanwhile.
 * A card that cannot be stored (artifact store down) is logged and dropped: `GET …/card` always
 * renders fresh, and the next change marks it again.
 */
export class ModelCardRefresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private rerun = false;
  private readonly delayMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly storage: Storage,
    private readonly cards: ModelCardService,
    private readonly log: FastifyBaseLogger,
    private readonly clock: () => number,
    options: ModelCardRefresherOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 200;
    this.batchSize = options.batchSize ?? 200;
  }

  /** Starts the loop; marks left by a previous process are rendered at once. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop after the card being rendered. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Marks a card stale in a write of its own (for changes whose transaction did not). */
  async markLater(name: string, version: number): Promise<void> {
    await this.storage.writes.run((trx) => markCardStale(trx, name, version, this.clock()));
    this.nudge();
  }

  /** Asks for a round soon (coalescing with other nudges). */
  nudge(): void {
    this.schedule(this.delayMs);
  }

  /** Resolves once no card is stale and no round runs (tests and shutdown use it). */
  async settled(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      const left = await this.storage.db
        .selectFrom('model_card_queue')
        .select('name')
        .limit(1)
        .executeTakeFirst();
      if (!left) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.running = this.drain();
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain();
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        this.rerun = false;
        const marks = await this.storage.db
          .selectFrom('model_card_queue')
          .select(['name', 'version', 'generation'])
          .orderBy('marked_time')
          .limit(this.batchSize)
          .execute();
        if (marks.length === 0) break;
        for (const mark of marks) await this.render(mark.name, Number(mark.version));
        await this.storage.writes.run(async (trx) => {
          for (const mark of marks)
            await trx
              .deleteFrom('model_card_queue')
              .where('name', '=', mark.name)
              .where('version', '=', mark.version)
              .where('generation', '=', mark.generation)
              .execute();
        });
        if (this.stopped) break;
      }
    } catch (error) {
      this.log.warn({ err: error }, 'model card refresh round failed');
    } finally {
      this.running = undefined;
      if (this.rerun) this.schedule(this.delayMs);
    }
  }

  private async render(name: string, version: number): Promise<void> {
    try {
      const versions =
        version === prominentVersions ? await this.cards.prominentVersions(name) : [version];
      for (const each of versions) await this.cards.refresh(name, each);
    } catch (error) {
      // A version or model deleted (or renamed) since it was marked has no card to keep.
      if (error instanceof CairnError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return;
      this.log.warn({ err: error, name, version }, 'could not refresh the model card');
    }
  }
}
