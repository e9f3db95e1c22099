import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveCall, SoftphoneCall, SoftphoneHungUp, SoftphoneStatus } from '../../../src/contracts/live.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { isCallEvent } from '../../../src/domain/events.ts';
import { errorText, get, post } from '../api.ts';
import { CallerPopup } from '../components/caller-popup.tsx';
import { IncomingCallAlert, TAKE_CALL_SHORTCUT } from '../components/incoming-call-alert.tsx';
import { PresenceBar } from '../components/presence-bar.tsx';
import { QueueTable } from '../components/queue-table.tsx';
import { TicketForm } from '../components/ticket-form.tsx';
import { WorkLists } from '../components/work-lists.tsx';
import { WrapUpPanel } from '../components/wrap-up-panel.tsx';
import { formatDuration, formatPhone, queueLabel } from '../format.ts';
import { secondsSince, useLive, useServerNow, useShortcut } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import { queueViews } from '../live-view.ts';
import type { User } from '../session.ts';
import type { BrowserCall } from '../twilio-softphone.ts';
import { callNextWithTwilio } from '../twilio-softphone.ts';

/** `since`: when the wrap-up began, in server milliseconds, for the countdown of its limit. */
type Phase = { kind: 'idle' } | { kind: 'dialling' } | { kind: 'talking'; call: LiveCall } | { kind: 'wrap_up'; call: LiveCall; since: number };

/** Why no call is offered now, in the operator's words; null when one may be. */
function notOfferedReason(presence: string | undefined): string | null {
  if (presence === 'available') return null;
  if (presence === 'break') return 'Sei «In pausa»: le chiamate non ti vengono offerte. Scegli «Disponibile» per riceverle.';
  if (presence === 'on_call' || presence === 'wrap_up') return 'Concludi prima la chiamata in corso e il suo esito.';
  return 'Sei «Non in servizio»: scegli «Disponibile» per ricevere le chiamate.';
}

export function OperatorScreen({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const now = useServerNow(live.clockOffsetMs);
  const [softphone, setSoftphone] = useState<SoftphoneStatus | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const browserCall = useRef<BrowserCall | null>(null);
  const takeNextButton = useRef<HTMLButtonElement>(null);
  const hangUpButton = useRef<HTMLButtonElement>(null);
  const serverNow = () => Date.now() - store.state.clockOffsetMs;

  // With the Twilio softphone the server learns which caller was bridged and tells every screen.
  useEffect(
    () =>
      store.onEvent((event) => {
        if (!isCallEvent(event)) return;
        const call = event.data.call;
        if (call.answeredBy !== user.username) return;
        if (event.type === 'call.bridged')
          setPhase((current) => (current.kind === 'dialling' || current.kind === 'idle' ? { kind: 'talking', call } : current));
        if (event.type === 'call.settled' || event.type === 'call.ended') {
          setPhase((current) =>
            current.kind === 'talking' && current.call.callSid === call.callSid ? { kind: 'wrap_up', call, since: serverNow() } : current,
          );
        }
      }),
    [store, user.username],
  );

  // After a reload or a reconnection the server says whether this operator is still in a call.
  useEffect(() => {
    get<SoftphoneStatus>('/api/v1/softphone')
      .then((status) => {
        setSoftphone(status);
        if (status.call) setPhase((current) => (current.kind === 'idle' ? { kind: 'talking', call: status.call! } : current));
        else if (status.wrapUp) setPhase((current) => (current.kind === 'idle' ? { kind: 'wrap_up', call: status.wrapUp!, since: serverNow() } : current));
      })
      .catch((error) => setMessage({ kind: 'error', text: errorText(error) }));
  }, [live.generation]);

  const queues = queueViews(live, live.servedQueues);
  const waitingTotal = queues.reduce((sum, queue) => sum + queue.waiting.length, 0);
  const me = live.operators?.get(user.username) ?? null;
  const offeredReason = notOfferedReason(me?.state);
  const waitingCalls = queues.flatMap((queue) => queue.waiting).sort((a, b) => (a.enqueuedAt ?? '').localeCompare(b.enqueuedAt ?? ''));
  const alerting = phase.kind === 'idle' && softphone !== null && offeredReason === null && waitingCalls.length > 0;
  const describeCall = (call: LiveCall) =>
    `${call.outcome === 'callback_waiting' ? 'Richiamata in coda: ' : ''}${live.agencies.get(call.agency ?? '')?.name ?? call.agency ?? ''}, ${queueLabel(call.queue)}, ${formatPhone(call.from)}`;

  const takeNext = useCallback(async () => {
    if (busy || phase.kind !== 'idle' || !softphone) return;
    setBusy(true);
    setMessage(null);
    setTicket(null);
    try {
      if (softphone.mode === 'twilio') {
        setPhase({ kind: 'dialling' });
        browserCall.current = await callNextWithTwilio({
          onEnded: (reason) => {
            browserCall.current = null;
            // Hung up before any caller was bridged: nobody was waiting, or the line failed.
            setPhase((current) => (current.kind === 'dialling' ? { kind: 'idle' } : current));
            if (reason) setMessage({ kind: 'error', text: reason });
          },
        });
        return;
      }
      const { call } = await post<SoftphoneCall>('/api/v1/softphone/take-next');
      if (!call) setMessage({ kind: 'info', text: 'Nessuna chiamata in attesa nelle tue code.' });
      // The server moves presence to "on call" and, after the hang-up, to "wrap-up" by itself.
      else setPhase({ kind: 'talking', call });
    } catch (error) {
      setPhase((current) => (current.kind === 'dialling' ? { kind: 'idle' } : current));
      setMessage({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }, [busy, phase, softphone]);

  async function hangUp() {
    if (phase.kind !== 'talking') return;
    if (browserCall.current) {
      // Twilio reports the end (queue result, status) to the server; the events bring the wrap-up.
      browserCall.current.hangUp();
      setPhase({ kind: 'wrap_up', call: phase.call, since: serverNow() });
      return;
    }
    setBusy(true);
    try {
      const { call } = await post<SoftphoneHungUp>('/api/v1/softphone/hang-up', { callSid: phase.call.callSid });
      setPhase({ kind: 'wrap_up', call, since: serverNow() });
    } catch (error) {
      setMessage({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  // A refusal that no longer applies ("devi essere Disponibile") goes once the presence changes.
  useEffect(() => setMessage((current) => (current?.kind === 'error' ? null : current)), [me?.state]);

  /** The outcome is recorded: the server made the operator available again; the keyboard goes back to "take the next call". */
  function wrappedUp() {
    setPhase({ kind: 'idle' });
    setTicket(null);
    setMessage({ kind: 'info', text: 'Esito registrato: sei di nuovo disponibile.' });
  }

  useEffect(() => {
    if (phase.kind === 'idle') takeNextButton.current?.focus();
  }, [phase.kind]);

  // A caller is on the line: the operator starts writing what they say at once.
  const talkingSid = phase.kind === 'talking' ? phase.call.callSid : null;
  useEffect(() => {
    if (talkingSid) document.querySelector<HTMLTextAreaElement>('form.ticket-form textarea[name="description"]')?.focus();
  }, [talkingSid]);

  // The ticket is saved: the next step is ending the call, or the outcome if the caller already hung up.
  useEffect(() => {
    if (!ticket) return;
    if (phase.kind === 'talking') hangUpButton.current?.focus();
    else document.querySelector<HTMLInputElement>('[data-testid="wrap-up"] input[type="radio"]')?.focus();
  }, [ticket]);

  useShortcut('n', () => void takeNext(), phase.kind === 'idle' && softphone !== null);

  const wrapUpRemaining =
    phase.kind === 'wrap_up' && softphone
      ? softphone.wrapUpSeconds - secondsSince(new Date(me?.state === 'wrap_up' && me.since ? Date.parse(me.since) : phase.since).toISOString(), now)
      : null;

  return (
    <div class="operator-grid">
      <h1 class="sr-only">Postazione operatore</h1>
      <section class="card presence-card" aria-labelledby="presence-title">
        <h2 id="presence-title">Stato</h2>
        <PresenceBar me={me} inCall={phase.kind === 'talking' || phase.kind === 'dialling'} />
      </section>

      <section class="card queues-card" aria-labelledby="queues-title">
        <h2 id="queues-title">
          Le tue code{' '}
          <span class="count" data-testid="waiting-total">
            {waitingTotal}
          </span>
          <span class="muted small"> in attesa</span>
        </h2>
        <QueueTable queues={queues} now={now} showTalking={false} />
      </section>

      <section class="card call-card" aria-labelledby="call-title">
        <h2 id="call-title">Chiamata</h2>
        {alerting || phase.kind === 'idle' ? (
          <IncomingCallAlert waiting={alerting ? waitingCalls : []} describe={describeCall} now={now} onTake={() => void takeNext()} />
        ) : null}
        {phase.kind === 'dialling' ? (
          <p class="notice info" role="status">
            Collegamento al prossimo chiamante…
          </p>
        ) : phase.kind === 'idle' ? (
          <div class="take-next">
            <button
              ref={takeNextButton}
              type="button"
              class="primary big"
              onClick={() => void takeNext()}
              disabled={busy || !softphone}
              aria-keyshortcuts={`N ${TAKE_CALL_SHORTCUT}`}
              aria-describedby={offeredReason ? 'not-offered' : undefined}
              data-testid="take-next"
            >
              Prendi la prossima chiamata <kbd>N</kbd>
            </button>
            {offeredReason ? (
              <p class="notice warn" id="not-offered" data-testid="not-offered">
                {offeredReason}
                {waitingTotal > 0 ? ` Chiamanti in attesa nelle tue code: ${waitingTotal}.` : ''}
              </p>
            ) : null}
            <p class="muted small">
              {softphone?.mode === 'twilio'
                ? 'Softphone Twilio: la chiamata arriva in questo browser (cuffia e microfono).'
                : 'Modalità simulatore (Twilio non configurato): la chiamata è collegata senza audio.'}
            </p>
          </div>
        ) : (
          <div class="in-call">
            <div class="call-head">
              <div>
                <div class="phone" data-testid="caller-phone">
                  {formatPhone(phase.call.from)}
                </div>
                <div class="muted">
                  {live.agencies.get(phase.call.agency ?? '')?.name ?? phase.call.agency} · {queueLabel(phase.call.queue)} · attesa{' '}
                  {formatDuration(phase.call.queueTimeSeconds ?? 0)}
                </div>
              </div>
              {phase.kind === 'talking' ? (
                <div class="call-actions">
                  <span class="badge talking">In conversazione {formatDuration(secondsSince(phase.call.bridgedAt, now))}</span>
                  <button ref={hangUpButton} type="button" class="danger" onClick={() => void hangUp()} disabled={busy} data-testid="hang-up">
                    Termina chiamata
                  </button>
                </div>
              ) : (
                <div class="call-actions">
                  <span class="badge wrapup">Post-chiamata</span>
                </div>
              )}
            </div>
            {phase.kind === 'wrap_up' ? <WrapUpPanel call={phase.call} remainingSeconds={wrapUpRemaining} onDone={wrappedUp} /> : null}
            <CallerPopup call={phase.call} />
            {ticket ? (
              <p class="notice success" role="status" data-testid="ticket-created">
                Segnalazione <strong>{ticket.ref}</strong> registrata per {live.agencies.get(ticket.agency)?.name ?? ticket.agency}.
              </p>
            ) : (
              <TicketForm call={phase.call} agencies={[...live.agencies.values()]} onCreated={setTicket} />
            )}
          </div>
        )}
        {message ? (
          <p class={`notice ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        ) : null}
      </section>

      <section class="card work-card" aria-label="Attività">
        <WorkLists store={store} generation={live.generation} username={user.username} agencyName={(code) => live.agencies.get(code)?.name ?? code} />
      </section>
    </div>
  );
}
