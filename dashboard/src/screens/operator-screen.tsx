import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveCall, SoftphoneCall, SoftphoneHungUp, SoftphoneStatus } from '../../../src/contracts/live.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { isCallEvent } from '../../../src/domain/events.ts';
import { errorText, get, post } from '../api.ts';
import { CallerPopup } from '../components/caller-popup.tsx';
import { PresenceBar } from '../components/presence-bar.tsx';
import { QueueTable } from '../components/queue-table.tsx';
import { TicketForm } from '../components/ticket-form.tsx';
import { WorkLists } from '../components/work-lists.tsx';
import { formatDuration, formatPhone, queueLabel } from '../format.ts';
import { secondsSince, useLive, useServerNow, useShortcut } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import { queueViews } from '../live-view.ts';
import type { User } from '../session.ts';
import { setMyPresence } from '../components/presence-bar.tsx';
import type { BrowserCall } from '../twilio-softphone.ts';
import { callNextWithTwilio } from '../twilio-softphone.ts';

type Phase = { kind: 'idle' } | { kind: 'dialling' } | { kind: 'talking'; call: LiveCall } | { kind: 'wrap_up'; call: LiveCall };

export function OperatorScreen({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const now = useServerNow(live.clockOffsetMs);
  const [softphone, setSoftphone] = useState<SoftphoneStatus | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const browserCall = useRef<BrowserCall | null>(null);

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
          setPhase((current) => (current.kind === 'talking' && current.call.callSid === call.callSid ? { kind: 'wrap_up', call } : current));
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
      })
      .catch((error) => setMessage({ kind: 'error', text: errorText(error) }));
  }, [live.generation]);

  const queues = queueViews(live, live.servedQueues);
  const waitingTotal = queues.reduce((sum, queue) => sum + queue.waiting.length, 0);
  const me = live.operators?.get(user.username) ?? null;

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
      setPhase({ kind: 'wrap_up', call: phase.call });
      return;
    }
    setBusy(true);
    try {
      const { call } = await post<SoftphoneHungUp>('/api/v1/softphone/hang-up', { callSid: phase.call.callSid });
      setPhase({ kind: 'wrap_up', call });
    } catch (error) {
      setMessage({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  async function ready() {
    setPhase({ kind: 'idle' });
    setTicket(null);
    setMessage(null);
    await setMyPresence({ presence: 'available' }).catch((error) => setMessage({ kind: 'error', text: errorText(error) }));
  }

  useShortcut('n', () => void takeNext(), phase.kind === 'idle' && softphone !== null);

  return (
    <div class="operator-grid">
      <section class="card presence-card" aria-labelledby="presence-title">
        <h2 id="presence-title">Stato</h2>
        <PresenceBar me={me} />
      </section>

      <section class="card queues-card" aria-labelledby="queues-title">
        <h2 id="queues-title">
          Le tue code{' '}
          <span class="count" data-testid="waiting-total">
            {waitingTotal}
          </span>
          <span class="muted small"> in attesa</span>
        </h2>
        <QueueTable queues={queues} now={now} alertSeconds={live.waitAlertSeconds} showTalking={false} />
      </section>

      <section class="card call-card" aria-labelledby="call-title" aria-live="polite">
        <h2 id="call-title">Chiamata</h2>
        {phase.kind === 'dialling' ? (
          <p class="notice info" role="status">
            Collegamento al prossimo chiamante…
          </p>
        ) : phase.kind === 'idle' ? (
          <div class="take-next">
            <button
              type="button"
              class="primary big"
              onClick={() => void takeNext()}
              disabled={busy || !softphone}
              aria-keyshortcuts="n"
              data-testid="take-next"
            >
              Prendi la prossima chiamata <kbd>N</kbd>
            </button>
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
                  <button type="button" class="danger" onClick={() => void hangUp()} disabled={busy} data-testid="hang-up">
                    Termina chiamata
                  </button>
                </div>
              ) : (
                <div class="call-actions">
                  <span class="badge wrapup">Post-chiamata</span>
                  <button type="button" class="primary" onClick={() => void ready()} data-testid="ready">
                    Pronto per la prossima
                  </button>
                </div>
              )}
            </div>
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
