import { useEffect, useRef, useState } from 'preact/hooks';
import type { CannedAnswers, QueuedReply } from '../../../src/contracts/email.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { errorText, get, post } from '../api.ts';
import { cannedAnswersPath, ticketApiPath } from './ticket-paths.ts';

/** Answer the tenant by e-mail, starting from one of the agency's canned answers or from scratch. */
export function ReplyForm({ ticket, onSent }: { ticket: Ticket; onSent: () => void }) {
  const [answers, setAnswers] = useState<CannedAnswers['answers']>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [queued, setQueued] = useState<QueuedReply | null>(null);
  const status = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    get<CannedAnswers>(cannedAnswersPath(ticket.agency))
      .then((reply) => setAnswers(reply.answers))
      .catch(() => setAnswers([]));
  }, [ticket.agency]);
  useEffect(() => {
    if (queued || error) status.current?.focus();
  }, [queued, error]);

  async function send(event: Event) {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    setQueued(null);
    try {
      setQueued(await post<QueuedReply>(`${ticketApiPath(ticket.ref)}/replies`, { text: text.trim() }));
      setText('');
      onSent();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="reply-form" onSubmit={(event) => void send(event)} aria-labelledby="reply-title">
      <h3 id="reply-title">Rispondi all’inquilino per e-mail</h3>
      {answers.length > 0 ? (
        <label>
          Risposta predefinita
          <select
            value=""
            onChange={(event) => {
              const chosen = answers[Number(event.currentTarget.value)];
              if (chosen) setText(chosen.body);
            }}
            data-testid="canned-answer"
          >
            <option value="">Scegli per partire da un testo…</option>
            {answers.map((answer, index) => (
              <option key={answer.title} value={String(index)}>
                {answer.title}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        Testo della risposta
        <textarea rows={6} value={text} onInput={(event) => setText(event.currentTarget.value)} required data-testid="reply-text" />
      </label>
      <p
        ref={status}
        tabIndex={-1}
        class={error ? 'notice error' : queued ? 'notice success' : 'sr-only'}
        role={error ? 'alert' : 'status'}
        data-testid="reply-result"
      >
        {error ?? (queued ? `Risposta in coda di invio a ${queued.to} («${queued.subject}»).` : '')}
      </p>
      <button type="submit" class="primary" disabled={busy} data-action="send-reply">
        {busy ? 'Invio…' : 'Invia risposta'}
      </button>
    </form>
  );
}
