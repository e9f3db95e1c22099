import { useEffect, useState } from 'preact/hooks';
import type { QuarantinedEmail, QuarantinePage } from '../../../src/contracts/email.ts';
import type { EmailDetail } from '../../../src/contracts/email.ts';
import { errorText, get, post, query } from '../api.ts';
import type { LiveAgency } from '../../../src/contracts/live.ts';
import { categoryOptions } from '../categories.ts';
import { formatDateTime } from '../format.ts';
import { QUARANTINE_ITEM_PATH, QUARANTINE_PATH } from '../endpoints.ts';
import { proposedAgency } from '../quarantine-rules.ts';

/** Why a message is here, in the words a supervisor would use. */
const REASON_LABEL: Record<string, string> = {
  unroutable: 'destinatario non riconosciuto',
  unparseable: 'messaggio illeggibile',
  processing_error: 'errore di elaborazione',
  bounce_unmatched: 'notifica di mancato recapito senza segnalazione',
  auto_reply_unmatched: 'risposta automatica senza segnalazione',
  pec_receipt_unmatched: 'ricevuta PEC senza messaggio di origine',
  ticket_closed: 'messaggio automatico per una segnalazione chiusa o annullata',
  too_complex: 'messaggio troppo complesso da leggere',
  too_many_parts: 'messaggio con troppe parti',
  parse_timeout: 'lettura interrotta: tempo esaurito',
  parse_memory: 'lettura interrotta: memoria esaurita',
  too_many_attempts: 'elaborazione interrotta più volte',
};

/**
 * E-mail the pipeline could not route or read, kept for a supervisor: assign it to an agency (it
 * becomes a ticket) or discard it (the original stays until retention removes it). `agencyNames`
 * holds the agencies the user serves: the only ones offered. The agency the mail was routed to is
 * proposed; moving it elsewhere is allowed to a user serving both, and the server logs it. Mail of
 * no agency waits for a person to choose one, and each agency offers its own categories.
 */
export function QuarantineScreen({ agencies: served }: { agencies: readonly LiveAgency[] }) {
  const agencyNames = Object.fromEntries(served.map((agency) => [agency.code, agency.name]));
  const [items, setItems] = useState<QuarantinedEmail[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Record<string, { agency: string; category: string }>>({});
  // Discarding takes two clicks: the message leaves every list, and only retention brings it back to mind.
  const [discarding, setDiscarding] = useState<string | null>(null);
  const agencies = Object.entries(agencyNames);
  const proposed = (item: QuarantinedEmail) =>
    choice[item.id] ?? {
      agency: proposedAgency(
        item.agency,
        agencies.map(([code]) => code),
      ),
      category: '',
    };

  async function load() {
    try {
      const page = await get<QuarantinePage>(`${QUARANTINE_PATH}${query({ status: 'open', limit: 100 })}`);
      setItems(page.items);
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }
  useEffect(() => {
    void load();
  }, []);

  async function act(item: QuarantinedEmail, action: 'assign' | 'discard') {
    const picked = proposed(item);
    if (action === 'assign' && picked.agency === '') {
      setError(`Scegli l’ente a cui assegnare «${item.subject || '(senza oggetto)'}»: il destinatario non ne indica uno.`);
      return;
    }
    try {
      await post(
        QUARANTINE_ITEM_PATH(item.id, action),
        action === 'assign' ? { agency: picked.agency, ...(picked.category ? { category: picked.category } : {}) } : undefined,
      );
      setItems((current) => (current ?? []).filter((other) => other.id !== item.id));
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <section class="card" aria-labelledby="quarantine-title">
      <div class="list-head">
        <h2 id="quarantine-title">E-mail in quarantena</h2>
        <button type="button" onClick={() => void load()}>
          Aggiorna
        </button>
      </div>
      <p class="muted small">
        Messaggi che non è stato possibile attribuire a un ente o leggere. Assegnandoli a un ente diventano segnalazioni; scartandoli l'originale resta
        conservato fino alla scadenza della conservazione.
      </p>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {items === null ? <p class="muted">Caricamento…</p> : null}
      {items?.length === 0 ? <p class="muted">Nessun messaggio in quarantena.</p> : null}
      <ul class="tickets">
        {(items ?? []).map((item) => {
          const picked = proposed(item);
          const moved = item.agency !== null && picked.agency !== '' && picked.agency !== item.agency;
          const set = (change: Partial<typeof picked>) => setChoice((current) => ({ ...current, [item.id]: { ...picked, ...change } }));
          return (
            <li key={item.id} class="ticket" data-email={item.id}>
              <div class="ticket-main">
                <div class="ticket-title">
                  <strong>{item.subject || '(senza oggetto)'}</strong>
                  <span class="muted small">
                    {formatDateTime(item.receivedAt)} · {REASON_LABEL[item.quarantine?.reason ?? ''] ?? item.quarantine?.reason ?? '—'}
                  </span>
                </div>
                <div class="muted small">
                  Da {item.from ? `${item.from.name ?? ''} <${item.from.address}>` : 'mittente sconosciuto'} · a {item.envelopeTo ?? '—'} ·{' '}
                  {Math.ceil(item.size / 1024)} KB
                  {' · '}
                  {item.agency ? `indirizzato a ${agencyNames[item.agency] ?? item.agency}` : 'nessun ente destinatario'}
                </div>
                <MessagePreview id={item.id} />
                {moved ? (
                  <p class="muted small" role="note">
                    Il messaggio era indirizzato a {agencyNames[item.agency!] ?? item.agency}: lo spostamento a un altro ente viene registrato nel registro
                    degli accessi.
                  </p>
                ) : null}
              </div>
              <div class="ticket-actions">
                <label class="small">
                  Ente
                  <select value={picked.agency} onChange={(event) => set({ agency: event.currentTarget.value, category: '' })}>
                    {picked.agency === '' ? <option value="">Scegli l’ente…</option> : null}
                    {agencies.map(([code, name]) => (
                      <option key={code} value={code}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
                <label class="small">
                  Categoria
                  <select value={picked.category} onChange={(event) => set({ category: event.currentTarget.value })}>
                    <option value="">automatica</option>
                    {categoryOptions(served.find((agency) => agency.code === picked.agency)).map((option) => (
                      <option key={option.code} value={option.code}>
                        {option.title}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" class="primary" onClick={() => void act(item, 'assign')} data-action="assign">
                  Assegna
                </button>
                {discarding === item.id ? (
                  <>
                    <button type="button" class="danger" onClick={() => void act(item, 'discard')} data-action="confirm-discard">
                      Conferma: scarta
                    </button>
                    <button type="button" onClick={() => setDiscarding(null)}>
                      Annulla
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setDiscarding(item.id)} data-action="discard">
                    Scarta
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The message as text, on demand: what a supervisor needs to decide where it belongs. Never the
 * HTML: a stranger's markup is not rendered in a staff session.
 */
function MessagePreview({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function toggle() {
    setOpen(!open);
    if (open || text !== null) return;
    try {
      const detail = await get<EmailDetail>(`/api/v1/emails/${encodeURIComponent(id)}`);
      setText(detail.text?.trim() || 'Il messaggio non contiene testo leggibile.');
    } catch (failure) {
      setError(errorText(failure));
    }
  }
  return (
    <div class="message-preview">
      <button type="button" class="small-button" aria-expanded={open} aria-controls={`preview-${id}`} onClick={() => void toggle()}>
        {open ? 'Nascondi il testo' : 'Leggi il testo'}
      </button>
      <div id={`preview-${id}`} hidden={!open}>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : (
          // Nothing while closed: a hidden "Caricamento…" would tell the screen's readers (and its tests) that it is still loading.
          <p class="timeline-text">{text ?? (open ? 'Caricamento…' : '')}</p>
        )}
      </div>
    </div>
  );
}
