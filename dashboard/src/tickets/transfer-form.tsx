import { useState } from 'preact/hooks';
import type { LiveAgency } from '../../../src/contracts/live.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { errorText, post } from '../api.ts';
import { categoryOptions } from '../categories.ts';
import { ticketApiPath } from './ticket-paths.ts';

/**
 * A request filed under the wrong agency (the tenant called ALER Milano's number about a flat in
 * Pavia) moves to the agency it belongs to: a new ticket there, this one cancelled. Offered to staff
 * serving another agency, closed by default so it is not chosen by mistake.
 */
export function TransferForm({ ticket, agencies, onMoved }: { ticket: Ticket; agencies: readonly LiveAgency[]; onMoved: (ref: string) => void }) {
  const [target, setTarget] = useState(agencies[0]?.code ?? '');
  const chosen = agencies.find((agency) => agency.code === target);
  const options = categoryOptions(chosen);
  const [category, setCategory] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const effectiveCategory = options.some((option) => option.code === category)
    ? category
    : (options.find((option) => option.code === ticket.category)?.code ?? options[0]?.code ?? '');

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const moved = await post<Ticket>(`${ticketApiPath(ticket.ref)}/transfer`, { agency: target, category: effectiveCategory, note: reason.trim() });
      onMoved(moved.ref);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details class="transfer">
      <summary>Trasferisci a un altro ente</summary>
      <form class="transfer-form" onSubmit={submit}>
        <p class="muted small">
          Si apre una nuova segnalazione presso l’ente scelto, con gli stessi dati dell’inquilino; questa viene annullata e rimanda alla nuova.
        </p>
        <label>
          Ente
          <select value={target} onChange={(event) => setTarget(event.currentTarget.value)} data-testid="transfer-agency">
            {agencies.map((agency) => (
              <option key={agency.code} value={agency.code}>
                {agency.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Categoria presso l’ente
          <select value={effectiveCategory} onChange={(event) => setCategory(event.currentTarget.value)}>
            {options.map((option) => (
              <option key={option.code} value={option.code}>
                {option.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Perché si trasferisce
          <textarea rows={2} value={reason} onInput={(event) => setReason(event.currentTarget.value)} required data-testid="transfer-reason" />
        </label>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy || !target} data-action="transfer">
          Trasferisci
        </button>
      </form>
    </details>
  );
}
