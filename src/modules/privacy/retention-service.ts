import type { Actor } from '../../domain/actor.ts';
import { assertRole, scopeAgencies, SYSTEM_ACTOR } from '../../domain/actor.ts';
import { AppError, validation } from '../../domain/errors.ts';
import type { RetentionSettings } from '../../domain/privacy-retention.ts';
import { DEFAULT_RETENTION, RETENTION_BOUNDS, retentionCutoff } from '../../domain/privacy-retention.ts';
import type { Executor } from '../../db/client.ts';
import { agencyNames } from './agency-rows-repo.ts';
import {
  anonymiseCallbacks,
  anonymiseCalls,
  anonymiseDeliveries,
  anonymiseEmails,
  anonymiseTickets,
  deleteOutbox,
  emailTableCounts,
} from './anonymise-repo.ts';
import type { PrivacyContext } from './privacy-context.ts';
import type { PrivacyServiceDeps, RequestContext } from './privacy-service.ts';
import { insertReceipt } from './receipts-repo.ts';
import type { DueBatch, RetentionCursor, RetentionWindow, SettingsRow } from './retention-repo.ts';
import {
  callbacksDue,
  callsDue,
  claimRetention,
  deliveriesDue,
  emailsDue,
  findSettings,
  markRetentionPass,
  outboxDue,
  pruneAccessLog,
  releaseRetention,
  ticketsDue,
  tryLockRetention,
  upsertSettings,
} from './retention-repo.ts';

export type RetentionOutcome = Readonly<{
  agency: string;
  cutoff: string;
  accessLogCutoff: string;
  counts: Record<string, number>;
  /** Another node was applying this agency's retention at the same moment: it finishes the pass. */
  skipped: boolean;
  receiptId: string | null;
}>;

/** Rows a retention step works through per transaction: short locks, bounded memory. */
const RETENTION_BATCH = 500;
const DAY_MS = 24 * 60 * 60_000;
/** How long a pass holds its agency: a node that dies mid-pass is taken over after this. */
const RETENTION_LEASE_MS = 15 * 60_000;

/**
 * Retention: each agency's periods (set by administrators, receipted) and the passes that
 * anonymise what is past them (the retention worker runs `applyRetention`).
 */
export function createRetentionService(deps: PrivacyServiceDeps, context: PrivacyContext) {
  const { db, clock, emailBytes, log } = deps;
  const { assertActsFor, actorColumns } = context;

  async function settingsOf(agencies: readonly string[]): Promise<Map<string, SettingsRow>> {
    return new Map((await findSettings(db, agencies)).map((row) => [row.agencyCode, row]));
  }

  async function settingsViews(codes: readonly string[]) {
    const rows = await settingsOf(codes);
    return codes.map((code) => {
      const row = rows.get(code);
      return {
        agency: code,
        personalDataMonths: row?.personalDataMonths ?? DEFAULT_RETENTION.personalDataMonths,
        accessLogMonths: row?.accessLogMonths ?? DEFAULT_RETENTION.accessLogMonths,
        isDefault: !row || row.updatedBy === 'default',
        lastRetentionAt: row?.lastRetentionAt?.toISOString() ?? null,
        lastRetentionCutoff: row?.lastRetentionCutoff?.toISOString() ?? null,
      };
    });
  }

  /** One agency's pass: each kind of record in batches, each batch its own transaction under the agency's lock. */
  async function retainAgency(
    agency: string,
    timezone: string,
    settings: RetentionSettings,
    previousCutoff: Date | null,
    now: Date,
  ): Promise<RetentionOutcome> {
    const cutoff = retentionCutoff(now, settings.personalDataMonths, timezone);
    const accessLogCutoff = retentionCutoff(now, settings.accessLogMonths, timezone);
    // Earlier passes did everything before their cut-off; a day of overlap covers a pass that died half-way.
    const window: RetentionWindow = {
      agency,
      before: cutoff,
      notBefore: previousCutoff ? new Date(previousCutoff.getTime() - DAY_MS) : null,
      limit: RETENTION_BATCH,
    };
    const counts: Record<string, number> = {};
    const add = (changed: Record<string, number>) => {
      for (const [table, n] of Object.entries(changed)) if (n > 0) counts[table] = (counts[table] ?? 0) + n;
    };
    type Step = {
      due: (executor: Executor, cursor: RetentionCursor) => Promise<DueBatch>;
      apply: (executor: Executor, ids: string[]) => Promise<Record<string, number>>;
    };
    const steps: Step[] = [
      {
        due: (x, c) => callsDue(x, window, c),
        apply: (x, ids) => anonymiseCalls(x, agency, ids).then(({ calls, callEvents }) => ({ calls, call_events: callEvents })),
      },
      {
        due: (x, c) => ticketsDue(x, window, c),
        apply: (x, ids) => anonymiseTickets(x, agency, ids, null).then(({ tickets, ticketEvents }) => ({ tickets, ticket_events: ticketEvents })),
      },
      { due: (x, c) => emailsDue(x, window, c), apply: (x, ids) => anonymiseEmails(x, agency, ids).then(emailTableCounts) },
      {
        due: (x, c) => outboxDue(x, window, c),
        apply: (x, ids) =>
          deleteOutbox(x, agency, ids).then(({ emailOutbox, emailMessageIds }) => ({ email_outbox: emailOutbox, email_message_ids: emailMessageIds })),
      },
      {
        due: (x, c) => callbacksDue(x, window, c),
        apply: (x, ids) => anonymiseCallbacks(x, agency, ids).then(({ callbacks, callbackAttempts }) => ({ callbacks, callback_attempts: callbackAttempts })),
      },
      {
        due: (x, c) => deliveriesDue(x, window, c),
        apply: (x, ids) =>
          anonymiseDeliveries(x, agency, ids, null).then(({ deliveries, deliveryAttempts }) => ({ deliveries, delivery_attempts: deliveryAttempts })),
      },
    ];
    const outcome = (skipped: boolean, receiptId: string | null): RetentionOutcome => ({
      agency,
      cutoff: cutoff.toISOString(),
      accessLogCutoff: accessLogCutoff.toISOString(),
      counts,
      skipped,
      receiptId,
    });

    // One pass per agency at a time, from its first batch to its receipt.
    if (!(await claimRetention(db, { agencyCode: agency, ...settings, at: now, until: new Date(now.getTime() + RETENTION_LEASE_MS) }))) {
      return outcome(true, null);
    }
    try {
      return await retainClaimedAgency();
    } finally {
      // Normally released with the receipt; this covers a pass that stopped early or failed.
      await releaseRetention(db, agency).catch(() => {});
    }

    async function retainClaimedAgency(): Promise<RetentionOutcome> {
      for (const step of steps) {
        let cursor: RetentionCursor = null;
        for (;;) {
          const result: 'locked' | 'done' | 'more' = await db.transaction(async (tx) => {
            if (!(await tryLockRetention(tx, agency))) return 'locked';
            const batch = await step.due(tx, cursor);
            if (batch.ids.length > 0) add(await step.apply(tx, batch.ids));
            cursor = batch.cursor;
            return batch.ids.length < RETENTION_BATCH ? 'done' : 'more';
          });
          if (result === 'locked') return outcome(true, null);
          if (result === 'done') break;
        }
      }
      // The chunks of the e-mails' bytes whose rows the batches deleted.
      await emailBytes.removeDropped();
      const receipt = await db.transaction(async (tx) => {
        if (!(await tryLockRetention(tx, agency))) return 'locked' as const;
        add({ access_log: await pruneAccessLog(tx, agency, accessLogCutoff) });
        await markRetentionPass(tx, { agencyCode: agency, ...settings, at: now, cutoff });
        await releaseRetention(tx, agency);
        if (Object.keys(counts).length === 0) return null;
        return insertReceipt(tx, {
          kind: 'retention',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: now,
          ...actorColumns(SYSTEM_ACTOR),
          counts,
          details: { cutoff: cutoff.toISOString(), accessLogCutoff: accessLogCutoff.toISOString(), ...settings },
        });
      });
      if (receipt === 'locked') return outcome(true, null);
      if (receipt) log.info({ agency, cutoff: cutoff.toISOString(), counts }, 'retention applied');
      return outcome(false, receipt?.id ?? null);
    }
  }

  const verbs = {
    /** Retention periods of the agencies the actor may see (defaults where none were set). */
    async listSettings(actor: Actor, agency?: string) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const codes = scopeAgencies(actor, agency);
      const names = await agencyNames(db);
      const known = codes.filter((code) => names.has(code));
      if (agency !== undefined && known.length === 0) throw new AppError('NOT_FOUND', 'Agency not found');
      return settingsViews(known);
    },

    /** Administrators set what the agency's data-processing agreement says; the change is receipted. */
    async setRetention(actor: Actor, agency: string, settings: RetentionSettings, context: RequestContext = {}) {
      await assertActsFor(actor, agency, 'admin');
      for (const [name, bounds] of Object.entries(RETENTION_BOUNDS)) {
        const value = settings[name as keyof RetentionSettings];
        if (!Number.isInteger(value) || value < bounds.min || value > bounds.max)
          throw validation(`${name} must be a whole number of months from ${bounds.min} to ${bounds.max}`);
      }
      const now = clock.now();
      await db.transaction(async (tx) => {
        await upsertSettings(tx, { agencyCode: agency, ...settings, updatedAt: now, updatedBy: actor.name });
        await insertReceipt(tx, {
          kind: 'settings',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: now,
          ...actorColumns(actor),
          details: { ...settings },
          requestId: context.requestId ?? null,
        });
      });
      const [current] = await settingsViews([agency]);
      return current;
    },

    /**
     * One retention pass over every agency at `now`: personal data of contacts older than the
     * agency's period is anonymised, the facts reports count are kept, the access log is pruned.
     * Safe to run on several nodes at once and to repeat: a node finding an agency locked skips
     * it, and every change is conditional on the data still being there.
     *
     * A pass looks at what became due since the previous pass's cut-off; `full` looks at every
     * record before the cut-off again (records that arrived dated in the past, e.g. imported).
     */
    async applyRetention(now: Date = clock.now(), options: { full?: boolean } = {}): Promise<RetentionOutcome[]> {
      const agencies = await agencyNames(db);
      const rows = await settingsOf([...agencies.keys()]);
      const outcomes: RetentionOutcome[] = [];
      for (const [agency, { timezone }] of [...agencies].sort(([a], [b]) => a.localeCompare(b))) {
        const row = rows.get(agency);
        const settings = {
          personalDataMonths: row?.personalDataMonths ?? DEFAULT_RETENTION.personalDataMonths,
          accessLogMonths: row?.accessLogMonths ?? DEFAULT_RETENTION.accessLogMonths,
        };
        outcomes.push(await retainAgency(agency, timezone, settings, options.full ? null : (row?.lastRetentionCutoff ?? null), now));
      }
      return outcomes;
    },

    /** An administrator's "run it now" (the worker runs the same pass every few hours). */
    async runRetentionNow(actor: Actor, options: { full?: boolean } = {}): Promise<RetentionOutcome[]> {
      assertRole(actor, 'admin');
      if (actor.kind === 'token') throw new AppError('FORBIDDEN', 'This action needs the role admin');
      return verbs.applyRetention(clock.now(), options);
    },
  };
  return verbs;
}
