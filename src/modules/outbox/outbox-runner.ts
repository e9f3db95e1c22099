import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { RetryPolicy } from '../../domain/retry-policy.ts';
import { decideRetry, jitterOf } from '../../domain/retry-policy.ts';
import type { Database, Tx } from '../../db/client.ts';
import type { Finish, OutboxTable, RowOf } from './outbox-store.ts';
import { claimDue, finishClaimed } from './outbox-store.ts';

/** One attempt's result. A refusal is a result, not a throw; `columns` are the kind's own (e.g. `lastStatusCode`). */
export type AttemptResult =
  | Readonly<{ ok: true; columns?: Readonly<Record<string, unknown>> }>
  | Readonly<{ ok: false; error: string; columns?: Readonly<Record<string, unknown>> }>;

export type AttemptOutcome = 'delivered' | 'retrying' | 'dead';

export type FinishedAttempt<Row, Result> = Readonly<{
  /** The row as claimed: `attempts` counts this attempt. */
  claimed: Row;
  result: Result;
  outcome: AttemptOutcome;
  durationMs: number;
  now: Date;
}>;

/**
 * What one kind of outbox message needs: where its rows are, how often it may fail (data, one rule
 * for all), and how one attempt is made. The runner claims, leases, decides and records.
 * Methods, so that a handler of a narrower table or result registers where the wider one is expected.
 */
export interface OutboxHandler<T extends OutboxTable = OutboxTable, Result extends AttemptResult = AttemptResult> {
  readonly kind: string;
  readonly table: T;
  readonly policy: RetryPolicy;
  /** One attempt; thrown errors count as a failed attempt with their message. */
  attempt(row: RowOf<T>, now: Date): Promise<Result>;
  /** Inside the transaction that records the attempt, only while this worker still held the lease (attempt logs, ticket events). */
  recorded?(tx: Tx, row: RowOf<T>, attempt: FinishedAttempt<RowOf<T>, Result>): Promise<void>;
  /** After that transaction committed (events to the dashboards). */
  settled?(row: RowOf<T>, attempt: FinishedAttempt<RowOf<T>, Result>): void;
}

export type OutboxRunSummary = { claimed: number; delivered: number; retrying: number; dead: number; lost: number };

export type OutboxRunner = ReturnType<typeof createOutboxRunner>;

const MAX_ERROR_LENGTH = 1000;

/**
 * The one outbox runner: acknowledgements to tenants, tickets to the agencies' offices by e-mail and
 * by webhook, each a handler registered once for its kind. A pass claims due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, so several nodes share the work and a node killed mid-attempt
 * loses nothing: its lease runs out and another node tries again. Runs on PGlite and Postgres alike.
 */
export function createOutboxRunner(deps: { db: Database; clock: Clock; leaseSeconds?: number; batchSize?: number; onError?: (error: unknown) => void }) {
  const { db, clock } = deps;
  const leaseMs = (deps.leaseSeconds ?? 120) * 1000;
  const batchSize = deps.batchSize ?? 20;
  const onError = deps.onError ?? (() => {});
  const handlers = new Map<string, OutboxHandler>();

  async function attemptOne(handler: OutboxHandler, row: RowOf<OutboxTable>): Promise<AttemptOutcome | 'lost'> {
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await handler.attempt(row, clock.now());
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const durationMs = Math.round(performance.now() - started);
    const now = clock.now();
    let finish: Finish;
    let outcome: AttemptOutcome;
    if (result.ok) {
      outcome = 'delivered';
      finish = { status: 'delivered', deliveredAt: now, lastError: null, updatedAt: now, columns: result.columns };
    } else {
      const decision = decideRetry(handler.policy, { attempt: row.attempts, now, giveUpAt: row.giveUpAt, jitter: jitterOf(row.id) });
      outcome = decision.kind === 'dead' ? 'dead' : 'retrying';
      finish = {
        status: decision.kind === 'dead' ? 'dead' : 'pending',
        ...(decision.kind === 'retry' ? { nextAttemptAt: decision.at } : {}),
        lastError: result.error.slice(0, MAX_ERROR_LENGTH),
        updatedAt: now,
        columns: result.columns,
      };
    }
    const attempt = { claimed: row, result, outcome, durationMs, now };
    const finished = await db.transaction(async (tx) => {
      const updated = await finishClaimed(tx, handler.table, { id: row.id, leaseToken: row.leaseToken! }, finish);
      if (updated) await handler.recorded?.(tx, updated, attempt);
      return updated;
    });
    if (!finished) return 'lost';
    handler.settled?.(finished, attempt);
    return outcome;
  }

  /** One pass: claims what is due of `kinds` (every registered kind by default) and tries each once. */
  async function runDue(kinds?: readonly string[]): Promise<OutboxRunSummary> {
    const now = clock.now();
    const lease = { now, leaseUntil: new Date(now.getTime() + leaseMs), leaseToken: randomUUID(), limit: batchSize };
    const byTable = new Map<OutboxTable, string[]>();
    for (const handler of handlers.values()) {
      if (kinds && !kinds.includes(handler.kind)) continue;
      byTable.set(handler.table, [...(byTable.get(handler.table) ?? []), handler.kind]);
    }
    const claimed: RowOf<OutboxTable>[] = [];
    for (const [table, tableKinds] of byTable) claimed.push(...(await db.transaction((tx) => claimDue(tx, table, { ...lease, kinds: tableKinds }))));
    const summary: OutboxRunSummary = { claimed: claimed.length, delivered: 0, retrying: 0, dead: 0, lost: 0 };
    // A failure to record leaves the row claimed: its lease runs out and a later pass tries it again.
    const outcomes = await Promise.allSettled(claimed.map((row) => attemptOne(handlers.get(row.kind)!, row)));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') onError(outcome.reason);
      summary[outcome.status === 'fulfilled' ? outcome.value : 'lost'] += 1;
    }
    return summary;
  }

  // Woken kinds are run in the background, one pass after another until none is full, never two at once on this node.
  const woken = new Set<string>();
  let waking: Promise<void> | null = null;
  let stopped = false;

  async function drainWoken(): Promise<void> {
    while (woken.size > 0 && !stopped) {
      const kinds = [...woken];
      woken.clear();
      const summary = await runDue(kinds);
      if (summary.claimed >= batchSize) for (const kind of kinds) woken.add(kind);
    }
  }

  // The poll: every registered kind, every `intervalMs`, one pass at a time.
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  return {
    /** Adds the handler of one kind; a kind has exactly one. */
    register(handler: OutboxHandler): void {
      if (handlers.has(handler.kind)) throw new Error(`The outbox already has a handler for "${handler.kind}"`);
      handlers.set(handler.kind, handler);
    },

    kinds(): string[] {
      return [...handlers.keys()];
    },

    runDue,

    /** Something of `kind` was just written: send it now rather than at the next poll. Does nothing for a kind without a handler. */
    wake(kind: string): void {
      if (stopped || !handlers.has(kind)) return;
      woken.add(kind);
      if (waking) return;
      waking = drainWoken()
        .catch(onError)
        .finally(() => {
          waking = null;
        });
    },

    /** Resolves when no woken pass runs on this node (the poll aside). */
    async idle(): Promise<void> {
      while (waking) await waking;
    },

    /** Starts the poll; `intervalMs` 0 leaves it off (passes then run only when woken or called). */
    start(intervalMs: number): void {
      if (intervalMs <= 0 || stopped) return;
      const schedule = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          polling = runDue()
            .then(
              () => undefined,
              (error: unknown) => onError(error),
            )
            .finally(schedule);
        }, intervalMs);
        timer.unref();
      };
      schedule();
    },

    /** Stops polling and waking, and waits for the passes in flight, so nothing is cut off mid-commit. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await polling;
      while (waking) await waking;
    },
  };
}
