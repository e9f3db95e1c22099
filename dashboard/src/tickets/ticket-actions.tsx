import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveAgency } from '../../../src/contracts/live.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import type { Role } from '../../../src/domain/actor.ts';
import type { TicketStatus } from '../../../src/domain/ticket-state.ts';
import { decideTicketTransition, isOpenTicketStatus, needsReason } from '../../../src/domain/ticket-state.ts';
import { errorText, patch, post } from '../api.ts';
import { categoryOptions } from '../categories.ts';
import type { User } from '../session.ts';
import { navigate } from '../router.ts';
import { ReplyForm } from './reply-form.tsx';
import { ticketApiPath, ticketScreenPath } from './ticket-paths.ts';
import { TransferForm } from './transfer-form.tsx';

type Move = { status: TicketStatus; from?: readonly TicketStatus[]; label: string; noteLabel: string; tone?: 'danger' };

/** The status moves offered on screen, each only where the transitions table lets the viewer's role make it. */
const MOVES: readonly Move[] = [
  { status: 'routed', from: ['new'], label: 'Invia all’ente', noteLabel: 'Nota per l’ente (facoltativa)' },
  { status: 'routed', from: ['closed'], label: 'Riapri', noteLabel: 'Perché si riapre (l’ente la riceve di nuovo)' },
  { status: 'new', from: ['cancelled'], label: 'Ripristina', noteLabel: 'Perché si ripristina' },
  { status: 'acknowledged', label: 'Prendi in carico', noteLabel: 'Nota (facoltativa)' },
  { status: 'closed', label: 'Chiudi', noteLabel: 'Nota di chiusura' },
  { status: 'cancelled', label: 'Annulla la segnalazione', noteLabel: 'Motivo dell’annullamento', tone: 'danger' },
];

/** What the viewer may do with the ticket: staff re-file, route, take, cancel, note and reply; the agency notes and closes. */
export function TicketActions({
  ticket,
  user,
  agency,
  otherAgencies,
  onChanged,
}: {
  ticket: Ticket;
  user: User;
  agency: LiveAgency | undefined;
  /** The other agencies the viewer serves: where a misfiled ticket may be moved. */
  otherAgencies: readonly LiveAgency[];
  onChanged: () => void;
}) {
  const staff = user.role !== 'agency';
  const open = isOpenTicketStatus(ticket.status);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [move, setMove] = useState<Move | null>(null);
  const [moveNote, setMoveNote] = useState('');
  const [category, setCategory] = useState<string>(ticket.category);
  const [portfolio, setPortfolio] = useState<string>(ticket.portfolio ?? '');
  const [note, setNote] = useState('');
  const [visibility, setVisibility] = useState<'internal' | 'shared'>(staff ? 'internal' : 'shared');
  const status = useRef<HTMLParagraphElement>(null);
  const moveNoteField = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setCategory(ticket.category);
    setPortfolio(ticket.portfolio ?? '');
  }, [ticket.category, ticket.portfolio]);
  // After an action the keyboard lands on what happened, read out by screen readers too.
  useEffect(() => {
    if (done || error) status.current?.focus();
  }, [done, error]);
  useEffect(() => {
    if (move) moveNoteField.current?.focus();
  }, [move]);

  async function act(what: string, request: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await request();
      setDone(what);
      onChanged();
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const path = ticketApiPath(ticket.ref);
  const moves = MOVES.filter(
    (candidate) => (!candidate.from || candidate.from.includes(ticket.status)) && decideTicketTransition(ticket.status, candidate.status, user.role as Role).ok,
  );
  const portfolios = agency?.portfolios ?? [];
  const mine = ticket.assignedTo === user.username;

  return (
    <section class="card ticket-actions-card" aria-labelledby="actions-title">
      <h2 id="actions-title">Azioni</h2>
      <p
        ref={status}
        tabIndex={-1}
        class={error ? 'notice error' : done ? 'notice success' : 'sr-only'}
        role={error ? 'alert' : 'status'}
        data-testid="action-result"
      >
        {error ?? done ?? ''}
      </p>

      {staff && open ? (
        <div class="action-row">
          {!ticket.assignedTo ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('Segnalazione presa in lavorazione da te.', () => post(`${path}/take`))}
              data-action="take"
            >
              Prendi in lavorazione
            </button>
          ) : mine || user.role !== 'operator' ? (
            <button type="button" disabled={busy} onClick={() => void act('Segnalazione rilasciata.', () => post(`${path}/release`))} data-action="release">
              Rilascia
            </button>
          ) : (
            <span class="muted small">In lavorazione da {ticket.assignedTo}</span>
          )}
        </div>
      ) : null}

      {moves.length > 0 ? (
        <div class="action-row" role="group" aria-label="Stato">
          {moves.map((candidate) => (
            <button
              type="button"
              key={candidate.status}
              class={candidate.tone === 'danger' ? 'danger' : candidate.status === 'closed' || candidate.status === 'routed' ? 'primary' : undefined}
              disabled={busy}
              aria-expanded={move?.status === candidate.status}
              onClick={() => {
                setMove(candidate);
                setMoveNote('');
              }}
              data-action={candidate.status}
            >
              {candidate.label}
            </button>
          ))}
        </div>
      ) : null}
      {move ? (
        <form
          class="move-form"
          onSubmit={(event) => {
            event.preventDefault();
            const text = moveNote.trim();
            void act(`Fatto: ${move.label.toLowerCase()}.`, () => patch(path, { status: move.status, ...(text ? { note: text } : {}) })).then(
              (ok) => ok && setMove(null),
            );
          }}
        >
          <label>
            {move.noteLabel}
            <textarea
              ref={moveNoteField}
              rows={2}
              value={moveNote}
              onInput={(event) => setMoveNote(event.currentTarget.value)}
              onKeyDown={(event) => event.key === 'Escape' && setMove(null)}
              required={move.status === 'cancelled' || needsReason(ticket.status, move.status)}
              data-testid="move-note"
            />
          </label>
          <div class="action-row">
            <button type="submit" class={move.tone === 'danger' ? 'danger' : 'primary'} disabled={busy} data-action="confirm-move">
              Conferma: {move.label.toLowerCase()}
            </button>
            <button type="button" onClick={() => setMove(null)}>
              Lascia com’è
            </button>
          </div>
        </form>
      ) : null}

      {staff && open ? (
        <form
          class="refile-form"
          onSubmit={(event) => {
            event.preventDefault();
            const changes: Record<string, unknown> = {};
            if (category !== ticket.category) changes.category = category;
            if (portfolio !== (ticket.portfolio ?? '')) changes.portfolio = portfolio === '' ? null : portfolio;
            if (Object.keys(changes).length === 0) {
              setError(null);
              setDone('Nessuna modifica da salvare.');
              return;
            }
            void act('Segnalazione riclassificata.', () => patch(path, changes));
          }}
        >
          <label>
            Categoria
            <select value={category} onChange={(event) => setCategory(event.currentTarget.value)} data-testid="refile-category">
              {categoryOptions(agency, ticket.category).map((option) => (
                <option key={option.code} value={option.code}>
                  {option.title}
                </option>
              ))}
            </select>
          </label>
          {portfolios.length > 0 ? (
            <label>
              Portafoglio
              <select value={portfolio} onChange={(event) => setPortfolio(event.currentTarget.value)}>
                <option value="">Patrimonio dell’ente</option>
                {portfolios.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <button type="submit" disabled={busy} data-action="refile">
            Salva classificazione
          </button>
        </form>
      ) : null}

      <form
        class="note-form"
        onSubmit={(event) => {
          event.preventDefault();
          const text = note.trim();
          if (!text) return;
          void act(visibility === 'internal' ? 'Nota interna aggiunta.' : 'Nota condivisa con l’ente aggiunta.', () =>
            post(`${path}/notes`, { text, visibility }),
          ).then((ok) => ok && setNote(''));
        }}
      >
        <label>
          Nota
          <textarea rows={2} value={note} onInput={(event) => setNote(event.currentTarget.value)} required data-testid="note-text" />
        </label>
        {staff ? (
          <fieldset class="inline-choice">
            <legend>Chi la legge</legend>
            <label>
              <input type="radio" name="visibility" checked={visibility === 'internal'} onChange={() => setVisibility('internal')} />
              Interna (solo call center)
            </label>
            <label>
              <input type="radio" name="visibility" checked={visibility === 'shared'} onChange={() => setVisibility('shared')} data-testid="note-shared" />
              Condivisa con l’ente
            </label>
          </fieldset>
        ) : (
          <p class="muted small">La nota è visibile anche al call center.</p>
        )}
        <button type="submit" disabled={busy} data-action="add-note">
          Aggiungi nota
        </button>
      </form>

      {staff && ticket.channel === 'email' ? <ReplyForm ticket={ticket} onSent={onChanged} /> : null}
      {staff && open && otherAgencies.length > 0 ? (
        <TransferForm ticket={ticket} agencies={otherAgencies} onMoved={(ref) => navigate(ticketScreenPath(ref))} />
      ) : null}
    </section>
  );
}
