import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { SoftphoneStatus } from '../../contracts/live.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import type { Database } from '../../db/client.ts';
import type { CallService, PublicCall } from '../calls/calls-service.ts';
import { publicCall } from '../calls/calls-service.ts';
import * as repo from './live-repo.ts';

/** The Twilio variables of CONTRACT §2 that let a browser place audio; null when any is missing. */
export type SoftphoneCredentials = Readonly<{ accountSid: string; apiKey: string; apiSecret: string; twimlAppSid: string }>;

export type SoftphoneDeps = Readonly<{
  db: Database;
  calls: CallService;
  clock: Clock;
  /** Set: audio goes through the browser's Twilio Voice SDK. Null: the server-side simulator. */
  twilio: SoftphoneCredentials | null;
  /** WRAP_UP_SECONDS, told to the screen so that it can count the wrap-up down. */
  wrapUpSeconds: number;
}>;

export type { SoftphoneStatus };

export type SoftphoneService = ReturnType<typeof createSoftphoneService>;

const RECENT_MS = 6 * 60 * 60 * 1000;
/** Another operator may dequeue the same caller in the same instant; try the next caller this many times. */
const MAX_RACES = 5;

/** Softphone identity: the username, as Twilio's `client:<identity>`. */
export function softphoneIdentity(actor: Actor): string {
  return actor.name;
}

/**
 * The development and demo softphone. Without Twilio credentials nothing can carry audio, so the
 * server plays Twilio's part: it runs the same verbs Twilio's requests would drive (the operator's
 * TwiML App request, then `<Queue url>` on the dequeued caller, then the queue result and the final
 * status when the operator hangs up), so that queues, figures and tickets behave exactly as in production.
 */
export function createSoftphoneService(deps: SoftphoneDeps) {
  const { db, calls, clock } = deps;

  const twilioEnabled = deps.twilio !== null;

  function assertSimulator(): void {
    if (twilioEnabled) throw new AppError('CONFLICT', 'The Twilio softphone is configured: take calls from the browser softphone');
  }

  return {
    async status(actor: Actor): Promise<SoftphoneStatus> {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const identity = softphoneIdentity(actor);
      const now = clock.now().getTime();
      const current = await repo.findBridgedCallOf(db, identity, new Date(now - RECENT_MS));
      // After a reload mid wrap-up the screen offers the outcome of the call just ended, for as long as the limit runs.
      const ended = current ? undefined : await repo.findCallAwaitingOutcome(db, identity, new Date(now - deps.wrapUpSeconds * 1000));
      return {
        mode: twilioEnabled ? 'twilio' : 'simulator',
        identity,
        call: current ? publicCall(current) : null,
        wrapUp: ended ? publicCall(ended) : null,
        wrapUpSeconds: deps.wrapUpSeconds,
      };
    },

    /**
     * An access token for the browser's Twilio Voice SDK: outgoing calls only, to the TwiML App whose
     * voice URL is /webhooks/twilio/voice/operator, as `client:<username>`.
     */
    token(actor: Actor): { identity: string; token: string; expiresAt: string } {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const credentials = deps.twilio;
      if (!credentials) throw new AppError('CONFLICT', 'Twilio is not configured: use the simulator (take-next)');
      const identity = softphoneIdentity(actor);
      const ttl = 3600;
      const token = new twilio.jwt.AccessToken(credentials.accountSid, credentials.apiKey, credentials.apiSecret, { identity, ttl });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: credentials.twimlAppSid, incomingAllow: false }));
      return { identity, token: token.toJwt(), expiresAt: new Date(clock.now().getTime() + ttl * 1000).toISOString() };
    },

    /** "Prendi la prossima chiamata": the caller the operator is now talking to, or null when nobody waits. */
    async takeNext(actor: Actor): Promise<PublicCall | null> {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      assertSimulator();
      const identity = softphoneIdentity(actor);
      const since = new Date(clock.now().getTime() - RECENT_MS);
      const already = await repo.findBridgedCallOf(db, identity, since);
      if (already) throw new AppError('CONFLICT', `Already talking to ${already.callSid}: hang up first`);

      const operatorCallSid = `CA${randomBytes(16).toString('hex')}`;
      const leg = { From: `client:${identity}`, CallSid: operatorCallSid, simulated: 'true' };
      const decision = await calls.takeNextCall(operatorCallSid, identity, leg, clock.now());
      if (decision.kind === 'not_available') {
        throw new AppError('PRESENCE_NOT_AVAILABLE', 'You are not available: set your presence to available to take calls');
      }
      if (decision.kind === 'dial_callback') {
        // A queued call-back: the simulated tenant answers at once (there is no conversation to show for it).
        await calls.recordQueuedCallbackDial(operatorCallSid, decision.callSid, 'completed', { ...leg, DialCallStatus: 'completed' }, clock.now());
        return null;
      }
      if (decision.kind !== 'dial_queue') return null;

      for (let attempt = 0; attempt < MAX_RACES; attempt += 1) {
        const caller = await repo.findOldestWaiting(db, decision.queueName, since);
        if (!caller) return null;
        const now = clock.now();
        const waited = caller.enqueuedAt ? Math.max(0, Math.floor((now.getTime() - caller.enqueuedAt.getTime()) / 1000)) : 0;
        const params = { callSid: caller.callSid, from: caller.fromNumber, to: caller.toNumber, callStatus: 'in-progress' };
        await calls.linkBridgedCall(
          params,
          operatorCallSid,
          waited,
          {
            CallSid: caller.callSid,
            QueueTime: String(waited),
            DequeingCallSid: operatorCallSid,
            simulated: 'true',
          },
          now,
        );
        const linked = await repo.findCallBySid(db, caller.callSid);
        if (linked?.operatorCallSid === operatorCallSid) return publicCall(linked);
      }
      throw new AppError('CONFLICT', 'Other operators took every waiting caller first: try again');
    },

    /** The operator ends the conversation: what Twilio reports when both parties have hung up. */
    async hangUp(actor: Actor, callSid: string): Promise<PublicCall> {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      assertSimulator();
      const identity = softphoneIdentity(actor);
      const call = await repo.findCallBySid(db, callSid);
      if (!call || call.answeredBy !== identity) throw new AppError('NOT_FOUND', 'Call not found');
      if (call.outcome !== 'bridged') throw new AppError('CONFLICT', 'The call is not in conversation');
      const now = clock.now();
      const queueTime = call.queueTimeSeconds ?? 0;
      const params = { callSid, from: call.fromNumber, to: call.toNumber, callStatus: 'completed' };
      await calls.recordQueueResult(
        params,
        'bridged',
        queueTime,
        { CallSid: callSid, QueueResult: 'bridged', QueueTime: String(queueTime), simulated: 'true' },
        now,
      );
      const duration = Math.max(0, Math.round((now.getTime() - call.startedAt.getTime()) / 1000));
      await calls.recordStatus(
        params,
        { callStatus: 'completed', sequence: null, durationSeconds: duration },
        {
          CallSid: callSid,
          CallStatus: 'completed',
          CallDuration: String(duration),
          simulated: 'true',
        },
        now,
      );
      return publicCall((await repo.findCallBySid(db, callSid))!);
    },
  };
}
