import { useEffect, useState } from 'preact/hooks';
import type { AgencyConfig } from '../../../src/contracts/admin.ts';
import { patch } from '../api.ts';
import { ADMIN_API } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { useSave } from './use-resource.ts';

type Draft = {
  name: string;
  emergencyNumber: string;
  serviceLevelSeconds: string;
  serviceLevelTargetPct: string;
  shortAbandonSeconds: string;
  callbackDueMinutes: string;
  queuedCallbackSeconds: string;
  wallWaitAlertSeconds: string;
  wallAbandonAmberPct: string;
  wallAbandonRedPct: string;
};

const optional = (value: number | null) => (value === null ? '' : String(value));

const draftOf = (config: AgencyConfig): Draft => ({
  name: config.name,
  emergencyNumber: config.emergencyNumber ?? '',
  serviceLevelSeconds: String(config.serviceLevelSeconds),
  serviceLevelTargetPct: String(config.serviceLevelTargetPct),
  shortAbandonSeconds: String(config.shortAbandonSeconds),
  callbackDueMinutes: config.callbackDueMinutes === null ? '' : String(config.callbackDueMinutes),
  queuedCallbackSeconds: config.queuedCallbackSeconds === null ? '' : String(config.queuedCallbackSeconds),
  wallWaitAlertSeconds: optional(config.wallWaitAlertSeconds),
  wallAbandonAmberPct: optional(config.wallAbandonAmberPct),
  wallAbandonRedPct: optional(config.wallAbandonRedPct),
});

/** The wallboard's thresholds of this agency: empty is the platform's value, shown as the placeholder. */
const WALL_FIELDS: readonly {
  key: 'wallWaitAlertSeconds' | 'wallAbandonAmberPct' | 'wallAbandonRedPct';
  label: string;
  placeholder: string;
  min: number;
  max: number;
}[] = [
  { key: 'wallWaitAlertSeconds', label: 'Attesa più lunga in rosso da (secondi; in giallo dalla metà)', placeholder: '120', min: 10, max: 3600 },
  { key: 'wallAbandonAmberPct', label: 'Tasso di abbandono in giallo da (%)', placeholder: '5', min: 1, max: 99 },
  { key: 'wallAbandonRedPct', label: 'Tasso di abbandono in rosso da (%)', placeholder: '10', min: 2, max: 100 },
];

const NUMBER_FIELDS: readonly { key: keyof Draft; label: string; help: string; min: number; max: number }[] = [
  { key: 'serviceLevelSeconds', label: 'Livello di servizio: risposta entro (secondi)', help: 'Per esempio 20: risposta entro 20 secondi.', min: 1, max: 3600 },
  { key: 'serviceLevelTargetPct', label: 'Obiettivo di livello di servizio (%)', help: 'Quota di chiamate da servire entro quel tempo.', min: 1, max: 100 },
  { key: 'shortAbandonSeconds', label: 'Abbandono breve sotto (secondi)', help: 'Chi riattacca prima non conta come abbandono.', min: 0, max: 600 },
];

/** The agency's name, emergency line and service-level parameters. */
export function AgencyProfileForm({ config, readOnly, onSaved }: { config: AgencyConfig; readOnly: boolean; onSaved: (config: AgencyConfig) => void }) {
  const [draft, setDraft] = useState(() => draftOf(config));
  useEffect(() => setDraft(draftOf(config)), [config]);
  const { state, run, fail } = useSave();
  const set = (key: keyof Draft) => (event: Event) => setDraft((current) => ({ ...current, [key]: (event.currentTarget as HTMLInputElement).value }));

  async function save(event: Event) {
    event.preventDefault();
    if (!draft.name.trim()) return fail('Il nome dell’ente è obbligatorio.');
    const emergency = draft.emergencyNumber.replace(/[\s./-]/g, '');
    if (emergency && !/^\+[1-9]\d{5,14}$/.test(emergency)) return fail('Il numero di emergenza va scritto con il prefisso, per esempio +39 02 1234 5678.');
    for (const field of NUMBER_FIELDS) {
      const value = Number(draft[field.key]);
      if (!Number.isInteger(value) || value < field.min || value > field.max) return fail(`«${field.label}»: un numero intero da ${field.min} a ${field.max}.`);
    }
    const due = draft.callbackDueMinutes.trim();
    if (due && !(Number.isInteger(Number(due)) && Number(due) >= 1)) return fail('La scadenza delle richiamate è un numero di minuti, oppure vuota.');
    const queuedCallback = draft.queuedCallbackSeconds.trim();
    const queuedCallbackValue = Number(queuedCallback);
    if (queuedCallback && !(Number.isInteger(queuedCallbackValue) && queuedCallbackValue >= 30 && queuedCallbackValue <= 3600))
      return fail('La soglia della richiamata senza perdere il posto è un numero di secondi da 30 a 3600, oppure vuota.');
    const wall: Partial<Record<(typeof WALL_FIELDS)[number]['key'], number | null>> = {};
    for (const field of WALL_FIELDS) {
      const text = draft[field.key].trim();
      const value = Number(text);
      if (text && !(Number.isInteger(value) && value >= field.min && value <= field.max))
        return fail(`«${field.label}»: un numero intero da ${field.min} a ${field.max}, oppure vuoto.`);
      wall[field.key] = text ? value : null;
    }
    if ((wall.wallAbandonAmberPct ?? 5) >= (wall.wallAbandonRedPct ?? 10)) return fail('Il tasso di abbandono deve diventare giallo prima di diventare rosso.');
    const saved = await run(() =>
      patch<AgencyConfig>(ADMIN_API.agency(config.code), {
        name: draft.name.trim(),
        emergencyNumber: emergency || null,
        serviceLevelSeconds: Number(draft.serviceLevelSeconds),
        serviceLevelTargetPct: Number(draft.serviceLevelTargetPct),
        shortAbandonSeconds: Number(draft.shortAbandonSeconds),
        callbackDueMinutes: due ? Number(due) : null,
        queuedCallbackSeconds: queuedCallback ? queuedCallbackValue : null,
        ...wall,
      }),
    );
    if (saved) onSaved(saved);
  }

  return (
    <section class="card admin-section" aria-labelledby="profile-title">
      <h3 id="profile-title">Dati dell’ente</h3>
      <form class="admin-form" onSubmit={save}>
        <fieldset disabled={readOnly}>
          <legend class="sr-only">Dati dell’ente</legend>
          <label>
            Nome
            <input value={draft.name} onInput={set('name')} required maxLength={200} />
          </label>
          <label>
            Numero di pronto intervento (fuori orario)
            <input value={draft.emergencyNumber} onInput={set('emergencyNumber')} inputMode="tel" placeholder="nessuno" aria-describedby="emergency-help" />
            <span id="emergency-help" class="small muted">
              Chi chiama a ente chiuso sente questo numero; vuoto: nessun numero.
            </span>
          </label>
          {NUMBER_FIELDS.map((field) => (
            <label key={field.key}>
              {field.label}
              <input type="number" min={field.min} max={field.max} value={draft[field.key]} onInput={set(field.key)} aria-describedby={`${field.key}-help`} />
              <span id={`${field.key}-help`} class="small muted">
                {field.help}
              </span>
            </label>
          ))}
          <label>
            Richiamate entro (minuti di apertura)
            <input type="number" min={1} value={draft.callbackDueMinutes} onInput={set('callbackDueMinutes')} placeholder="predefinito" />
          </label>
          <label>
            Offri la richiamata senza perdere il posto oltre un’attesa prevista di (secondi)
            <input
              type="number"
              min={30}
              max={3600}
              value={draft.queuedCallbackSeconds}
              onInput={set('queuedCallbackSeconds')}
              placeholder="180"
              aria-describedby="queued-callback-help"
            />
            <span id="queued-callback-help" class="small muted">
              Chi attende in coda sente «Prema 1 per essere richiamato senza perdere il suo posto» quando l’attesa prevista supera questa soglia; vuoto: 180
              secondi.
            </span>
          </label>
          <fieldset class="wall-thresholds">
            <legend>Soglie del tabellone</legend>
            <p class="small muted">Quando le cifre di questo ente diventano gialle e rosse sul tabellone; vuoto: il valore della piattaforma.</p>
            {WALL_FIELDS.map((field) => (
              <label key={field.key}>
                {field.label}
                <input type="number" min={field.min} max={field.max} value={draft[field.key]} onInput={set(field.key)} placeholder={field.placeholder} />
              </label>
            ))}
          </fieldset>
          <p class="small muted">
            Codice <code>{config.code}</code> · prefisso segnalazioni <code>{config.ticketPrefix}</code> · fuso orario {config.timezone}
          </p>
        </fieldset>
        {readOnly ? null : (
          <div class="action-row">
            <button type="submit" class="primary" disabled={state.busy}>
              Salva dati dell’ente
            </button>
          </div>
        )}
        <SaveStatus state={state} />
      </form>
    </section>
  );
}
