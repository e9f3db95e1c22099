import path from 'node:path';
import type { Executor } from '../../db/client.ts';
import { DEFAULT_PICK_RULES } from '../../domain/next-call.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import { intervalWorker } from '../module.ts';
import { findCallSummary } from './calls-repo.ts';
import type { CallRow } from './calls-repo.ts';
import { callsRoutes } from './calls-routes.ts';
import { createCallService } from './calls-service.ts';
import type { CallServiceDeps } from './calls-service.ts';
import { createResilientVoice } from './resilient-voice.ts';
import type { RenderVoice } from './voice-preview.ts';
import { createVoicePreview } from './voice-preview.ts';
import { openDurableJournal } from './step-journal.ts';
import type { VoiceStep } from './voice-steps.ts';

/** Work another module does inside the transaction that changed a call (the report rollup, the call-back owed). */
export type CallChangeHook = (executor: Executor, call: CallRow) => Promise<void>;

/** The port other modules read a call's few facts through (tickets link calls, the screen pop reads the caller). */
export const callLookup = { findCall: findCallSummary };

export type CallsModuleDeps = Pick<ModuleCore, 'config' | 'db' | 'connections' | 'clock' | 'bus' | 'log'> & {
  directory: AgencyDirectory;
  accessLog: AccessLog;
  /** The operators module: which queues a softphone identity answers (read in the call step's transaction). */
  queuesServedBy: (identity: string, executor: Executor) => Promise<readonly string[]>;
  /** Run in this order with the executor of every call change; see calls-service.ts for which transaction that is. */
  afterCallChange: readonly CallChangeHook[];
  /** The operators module: may this identity be offered a call now (available only)? */
  mayTakeCall: (identity: string, executor: Executor) => Promise<boolean>;
  /** The operators module: the wrap-up of this call got its outcome; the operator is available again. */
  wrapUpDone: (username: string, callSid: string) => Promise<void>;
  /** The operators module: an operator's softphone leg is over; out of the call into wrap-up. */
  operatorLegEnded: (identity: string, legCallSid: string) => Promise<void>;
  /** The operators module: release operators left on a call that is over, end wrap-ups past their time limit. */
  reconcilePresence: (now: Date) => Promise<unknown>;
  /** The Twilio adapter's TwiML renderer, for the administration's preview (an edge: modules never import webhooks/). */
  renderVoice: RenderVoice;
  /** The incidents module: what a caller hears before the menu, and a caller's report added to an incident. */
  preMenu?: CallServiceDeps['preMenu'];
  reportFromCall?: CallServiceDeps['reportFromCall'];
};

/**
 * Calls: the voice steps Twilio's webhooks drive (webhooks/twilio adapts them to `ports.voice`),
 * the call log, and the next-call pick for operators. Steps are answered from the database, or
 * from memory and a durable journal while the database is away (resilient-voice.ts).
 */
export async function createCallsModule(deps: CallsModuleDeps) {
  const { config, db, directory, clock, bus, log } = deps;
  const calls = createCallService({
    db,
    directory,
    clock,
    bus,
    accessLog: deps.accessLog,
    // Two overlapping commits keep the node busy while one waits for its fsync; the rest of the pool serves everything else.
    incomingWritesInFlight: Math.min(2, deps.connections),
    queuesServedBy: deps.queuesServedBy,
    mayTakeCall: deps.mayTakeCall,
    operatorLegEnded: deps.operatorLegEnded,
    wrapUpDone: deps.wrapUpDone,
    pickRules: { ...DEFAULT_PICK_RULES, heatingSeason: config.workflow.heatingSeason },
    preMenu: deps.preMenu,
    reportFromCall: deps.reportFromCall,
    afterCallChange: async (executor, call) => {
      for (const hook of deps.afterCallChange) await hook(executor, call);
    },
  });
  const journal = await openDurableJournal<VoiceStep>(path.join(config.dataDir, 'journal', 'voice-steps.jsonl'));
  const voice = createResilientVoice({ calls, directory, journal, clock, bus, log });
  const preview = createVoicePreview({ directory, clock, render: deps.renderVoice });

  /**
   * Late or missing webhooks must not leave a screen showing what no longer exists: callers silent
   * in queue past the window are settled `lost`, operators on a call that is over are released,
   * wrap-ups past their limit end. Safe on several nodes (every change is conditional). While this
   * node missed callers' heartbeats (database away) the silence is its own, so callers wait.
   */
  async function reconcile(now = clock.now()) {
    const cutoff = new Date(now.getTime() - config.workflow.queueSilenceSeconds * 1000);
    const lost = voice.blindSince(cutoff) ? 0 : await calls.reconcileSilentCallers(cutoff, now);
    await deps.reconcilePresence(now);
    return { lost };
  }
  return {
    name: 'calls',
    service: Object.assign(calls, { reconcile }),
    routes: (api) => {
      callsRoutes(api, calls);
      preview.routes(api);
    },
    workers: [
      // Nothing to start (the journal replays on its own once the database answers); closing flushes it.
      { name: 'voice-journal', start: () => {}, stop: () => voice.close() },
      ...(config.workflow.callReconcileIntervalMs > 0
        ? [
            intervalWorker({
              name: 'call-reconciler',
              firstDelayMs: config.workflow.callReconcileIntervalMs,
              intervalMs: config.workflow.callReconcileIntervalMs,
              job: () => reconcile(),
              onError: (error) => log.error({ err: error }, 'call reconciliation failed'),
            }),
          ]
        : []),
    ],
    ports: { callLookup, voice },
  } satisfies AppModule;
}
