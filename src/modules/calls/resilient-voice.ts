import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { isCallEvent } from '../../domain/events.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { CallParams, CallService } from './calls-service.ts';
import { withTimeout } from '../../util/with-timeout.ts';
import type { DurableJournal } from './step-journal.ts';
import type { VoiceDecision } from './voice-decisions.ts';
import type { VoiceStep } from './voice-steps.ts';
import { applyVoiceStep, decideFromMemory, stepCallSid } from './voice-steps.ts';

export type ResilientVoiceDeps = Readonly<{
  calls: CallService;
  directory: AgencyDirectory;
  journal: DurableJournal<VoiceStep>;
  clock: Clock;
  bus: EventBus;
  log: FastifyBaseLogger;
  /** How long a webhook waits for the database before answering from memory. Twilio allows 15 s. */
  databaseBudgetMs?: number;
  /** After a failure, how long to answer from memory without trying the database again. */
  breakerMs?: number;
  replayIntervalMs?: number;
}>;

export type ResilientVoice = ReturnType<typeof createResilientVoice>;

/**
 * The voice webhooks' guarantee: every step gets correct TwiML quickly, and none is lost.
 * Normally a step is answered once it has committed in the database. When the database fails
 * or is slow, the step is decided from memory, written to a durable journal in DATA_DIR, and
 * answered; a replayer applies the journal in order when the database is back. Each step is
 * recorded exactly once: the (CallSid, step) key makes a replay of an already recorded step a no-op.
 */
export function createResilientVoice(deps: ResilientVoiceDeps) {
  const { calls, directory, journal, clock, log } = deps;
  const budgetMs = deps.databaseBudgetMs ?? 1500;
  const breakerMs = deps.breakerMs ?? 2000;
  let databaseSuspectUntil = 0;
  // When this node last could not record what a caller did (a step from memory, a lost heartbeat):
  // silence measured across that moment is ours, not the caller's.
  let blindAt: Date | null = null;
  let replaying: Promise<void> | null = null;
  let closed = false;

  // Who is waiting where, as this node last saw it: lets an operator still be offered a queue
  // while the database cannot be asked.
  const waiting = new Map<string, { queueName: string; since: number }>();
  const unsubscribe = deps.bus.subscribe((event) => {
    if (!isCallEvent(event)) return;
    const call = event.data.call;
    if (call.outcome === 'queued' && call.queue) waiting.set(call.callSid, { queueName: call.queue, since: Date.parse(event.at) });
    else waiting.delete(call.callSid);
  });
  const oldestWaitingQueue = () => [...waiting.values()].sort((a, b) => a.since - b.since)[0]?.queueName ?? null;

  async function handle(step: VoiceStep): Promise<VoiceDecision> {
    const at = clock.now();
    // While earlier steps wait in the journal, later ones join them so that order is kept.
    if (journal.size() === 0 && Date.now() >= databaseSuspectUntil) {
      try {
        return await withTimeout(applyVoiceStep(calls, step, at, true), budgetMs, `database did not answer within ${budgetMs} ms`);
      } catch (error) {
        if (error instanceof AppError) throw error;
        databaseSuspectUntil = Date.now() + breakerMs;
        log.error({ err: error, step: step.kind }, 'database unavailable: answering from memory and journaling the step');
      }
    }
    blindAt = at;
    const decision = decideFromMemory(step, at, directory, () => oldestWaitingQueue());
    // A caller who pressed 1 for an incident got the menu from memory: the journal records that, not a report.
    await journal.append(step.kind === 'incident' ? { ...step, digits: undefined } : step, at);
    trackFromMemory(step, decision, at);
    scheduleReplay();
    return decision;
  }

  function trackFromMemory(step: VoiceStep, decision: VoiceDecision, at: Date) {
    if (decision.kind === 'enqueue') waiting.set(stepCallSid(step), { queueName: decision.queueName, since: at.getTime() });
    else if (step.kind === 'queue-result' || step.kind === 'bridged') waiting.delete(stepCallSid(step));
  }

  function scheduleReplay() {
    if (replaying || closed) return;
    replaying = (async () => {
      while (!closed && journal.size() > 0) {
        const done = await replayOnce();
        if (!done) await sleep(deps.replayIntervalMs ?? 1000);
      }
    })().finally(() => {
      replaying = null;
    });
  }

  /** Applies journaled steps in order; false when the database is still away. */
  async function replayOnce(): Promise<boolean> {
    const entries = await journal.pending();
    let applied = 0;
    for (const entry of entries) {
      try {
        await applyVoiceStep(calls, entry.item, new Date(entry.at));
      } catch (error) {
        if (!refusedForEver(error)) {
          if (applied > 0) await journal.removeThrough(entries[applied - 1].seq);
          return false;
        }
        // A step refused now will be refused for ever: keep it in the log, not in the way of the
        // steps behind it (or the journal would never drain and the node never leave outage mode).
        log.error({ err: error, seq: entry.seq, step: entry.item.kind, callSid: stepCallSid(entry.item) }, 'journaled voice step refused on replay; dropped');
      }
      applied += 1;
    }
    if (applied > 0) await journal.removeThrough(entries[applied - 1].seq);
    if (applied > 0) log.info({ replayed: applied }, 'journaled voice steps recorded after the database came back');
    databaseSuspectUntil = 0;
    return true;
  }

  // Steps journaled before a crash or restart are replayed as soon as the app starts.
  if (journal.size() > 0) scheduleReplay();

  /**
   * A wait-URL poll: the caller still holds. Best effort and never in the caller's way: the hold
   * music is answered whatever happens here, so a slow or absent database only costs the heartbeat
   * (and the reconciler then waits, see `blindSince`).
   */
  async function heartbeat(callSid: string): Promise<void> {
    const at = clock.now();
    if (journal.size() > 0 || Date.now() < databaseSuspectUntil) {
      blindAt = at;
      return;
    }
    try {
      await withTimeout(calls.heartbeat(callSid, at), budgetMs, `database did not answer within ${budgetMs} ms`);
    } catch (error) {
      blindAt = at;
      log.warn({ err: error }, 'wait-URL heartbeat not recorded');
    }
  }

  /**
   * A question only the database can answer and nobody must wait for: asked only while the
   * database is believed up, within the budget; otherwise (or on any failure) `fallback`.
   */
  async function liveOnly<T>(ask: () => Promise<T>, fallback: T, what: string): Promise<T> {
    if (journal.size() > 0 || Date.now() < databaseSuspectUntil) return fallback;
    try {
      return await withTimeout(ask(), budgetMs, `database did not answer within ${budgetMs} ms`);
    } catch (error) {
      log.warn({ err: error }, `${what}: answered without the database`);
      return fallback;
    }
  }

  return {
    handle,
    heartbeat,
    /** Whether the wait loop offers this caller a queued call-back; without the database, never (the caller just keeps waiting). */
    queuedCallbackOffer: (callSid: string) => liveOnly(() => calls.queuedCallbackOffer(callSid, clock.now()), false, 'queued call-back offer'),
    /**
     * The caller asked to be called back keeping their place. Not journaled: a caller told "no"
     * stays in the queue, so a placeholder written later, behind their back, would call them twice.
     */
    keepPlaceForCallback: (params: CallParams, phone: string, payload: Record<string, unknown>) =>
      liveOnly(() => calls.keepPlaceForCallback(params, phone, payload, clock.now()), false, 'queued call-back'),
    /** Whether this node missed what callers did at or after `since` (answered from memory, or a heartbeat lost). */
    blindSince(since: Date): boolean {
      return journal.size() > 0 || (blindAt !== null && blindAt.getTime() >= since.getTime());
    },
    /** Steps waiting to be recorded: 0 when the database is in step with every answer given. */
    backlog: () => journal.size(),
    /** Resolves when the journal is empty (or the replayer gave up for now). */
    async drain(): Promise<void> {
      scheduleReplay();
      await replaying;
    },
    async close(): Promise<void> {
      closed = true;
      unsubscribe();
      await replaying;
      await journal.close();
    },
  };
}

/** Refused by our rules, or by Postgres for the data itself (SQLSTATE class 22): not an outage. */
function refusedForEver(error: unknown): boolean {
  if (error instanceof AppError) return true;
  // postgres.js and PGlite put the SQLSTATE on the error; drizzle may wrap it as the cause.
  const failure = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = failure?.code ?? failure?.cause?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
