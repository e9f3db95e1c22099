import { DateTime } from 'luxon';
import { useEffect, useState } from 'preact/hooks';
import type { AgencyVoice, VoiceLayerView, VoicePreview } from '../../../src/contracts/voice.ts';
import { VOICE_TEXT_LIMITS, voiceLayerProblemsIt } from '../../../src/domain/voice-texts.ts';
import { errorText, get, put, query } from '../api.ts';
import { ADMIN_API } from './admin-paths.ts';

type Texts = { greeting: string; menuIntro: string; closedMessage: string; emergencyNumber: string };
type Flag = 'inherit' | 'yes' | 'no';
type PortfolioDraft = Texts & { id: string; name: string; neutralGreeting: Flag; offerCallbacks: Flag; emailAcknowledgements: Flag; askRating: Flag };
type Draft = Texts & { neutralGreeting: boolean; offerCallbacks: boolean; emailAcknowledgements: boolean; askRating: boolean; portfolios: PortfolioDraft[] };

const textsOf = (layer: VoiceLayerView): Texts => ({
  greeting: layer.greeting ?? '',
  menuIntro: layer.menuIntro ?? '',
  closedMessage: layer.closedMessage ?? '',
  emergencyNumber: layer.emergencyNumber ?? '',
});
const flagOf = (value: boolean | null): Flag => (value === null ? 'inherit' : value ? 'yes' : 'no');
const boolOf = (flag: Flag): boolean | null => (flag === 'inherit' ? null : flag === 'yes');
/** An emptied field means "generated" (or "as the agency"): null, never an empty text. */
const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());
const layerOf = (texts: Texts) => ({
  greeting: orNull(texts.greeting),
  menuIntro: orNull(texts.menuIntro),
  closedMessage: orNull(texts.closedMessage),
  emergencyNumber: orNull(texts.emergencyNumber.replaceAll(' ', '')),
});

function draftOf(voice: AgencyVoice): Draft {
  return {
    ...textsOf(voice.settings),
    neutralGreeting: voice.settings.neutralGreeting,
    offerCallbacks: voice.settings.offerCallbacks,
    emailAcknowledgements: voice.settings.emailAcknowledgements,
    askRating: voice.settings.askRating,
    portfolios: voice.portfolios.map((portfolio) => ({
      id: portfolio.id,
      name: portfolio.name,
      ...textsOf(portfolio.overrides),
      neutralGreeting: flagOf(portfolio.overrides.neutralGreeting),
      offerCallbacks: flagOf(portfolio.overrides.offerCallbacks),
      emailAcknowledgements: flagOf(portfolio.overrides.emailAcknowledgements),
      askRating: flagOf(portfolio.overrides.askRating),
    })),
  };
}

/**
 * What the agency's callers hear: its greeting, menu introduction, closed message and emergency
 * line, whether its callers may be at risk (a neutral greeting naming no service), whether call-backs
 * and e-mail acknowledgements are offered, whether answered callers are asked for a rating; then each portfolio's overrides. An empty field keeps the
 * generated text, shown as its placeholder. The preview plays the first answer at a chosen instant.
 */
export function VoicePanel({ agency, canEdit = true }: { agency: string; canEdit?: boolean }) {
  const [voice, setVoice] = useState<AgencyVoice | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setVoice(null);
    setLoadError(null);
    get<AgencyVoice>(ADMIN_API.agencyPart(agency, 'voice'))
      .then((reply) => {
        setVoice(reply);
        setDraft(draftOf(reply));
      })
      .catch((failure) => setLoadError(errorText(failure)));
  }, [agency]);

  const edit = (changes: Partial<Draft>) => setDraft((current) => (current ? { ...current, ...changes } : current));
  const editPortfolio = (id: string, changes: Partial<PortfolioDraft>) =>
    setDraft((current) =>
      current ? { ...current, portfolios: current.portfolios.map((portfolio) => (portfolio.id === id ? { ...portfolio, ...changes } : portfolio)) } : current,
    );

  async function save(event: Event) {
    event.preventDefault();
    if (!draft) return;
    setSaved(null);
    const own = {
      ...layerOf(draft),
      neutralGreeting: draft.neutralGreeting,
      offerCallbacks: draft.offerCallbacks,
      emailAcknowledgements: draft.emailAcknowledgements,
      askRating: draft.askRating,
    };
    const portfolios = draft.portfolios.map((portfolio) => ({
      id: portfolio.id,
      ...layerOf(portfolio),
      neutralGreeting: boolOf(portfolio.neutralGreeting),
      offerCallbacks: boolOf(portfolio.offerCallbacks),
      emailAcknowledgements: boolOf(portfolio.emailAcknowledgements),
      askRating: boolOf(portfolio.askRating),
    }));
    const found = [
      ...voiceLayerProblemsIt(own, "dell'ente"),
      ...draft.portfolios.flatMap((portfolio, index) => voiceLayerProblemsIt(portfolios[index]!, `del portafoglio ${portfolio.name}`)),
    ];
    setProblems(found);
    if (found.length > 0) return;
    setSaving(true);
    try {
      const reply = await put<AgencyVoice>(ADMIN_API.agencyPart(agency, 'voice'), { agency: own, portfolios });
      setVoice(reply);
      setDraft(draftOf(reply));
      setSaved('Testi vocali salvati: le prossime chiamate li ascoltano già.');
    } catch (failure) {
      setProblems([errorText(failure)]);
    } finally {
      setSaving(false);
    }
  }

  return (
    <section class="card admin-section voice-panel" aria-labelledby="voice-title">
      <h2 id="voice-title">Testi vocali</h2>
      <p class="muted small">
        Un campo vuoto usa il testo generato (mostrato in grigio); per un portafoglio, quello dell'ente. Il menu dopo il saluto è generato dalle categorie.
      </p>
      {loadError ? (
        <p class="notice error" role="alert">
          {loadError}
        </p>
      ) : null}
      {voice === null || draft === null ? (
        loadError ? null : (
          <p class="muted">Caricamento…</p>
        )
      ) : (
        <>
          <form class="admin-form" onSubmit={(event) => void save(event)} aria-label="Testi vocali dell'ente e dei portafogli">
            <fieldset disabled={!canEdit}>
              <h3 id="voice-agency-title">Ente</h3>
              <TextFields
                idPrefix="voice-agency"
                texts={draft}
                hints={voice.generated}
                onChange={(changes) => edit(changes)}
                menuPrompt={voice.menuPrompt}
                emergencyHint="Nessuno: chi chiama a servizio chiuso sente gli orari e riattacca."
              />
              <label class="inline">
                <input type="checkbox" checked={draft.neutralGreeting} onChange={(event) => edit({ neutralGreeting: event.currentTarget.checked })} />
                Saluto neutro: chi chiama può essere in pericolo, il saluto e il messaggio di chiusura non nominano né l'ente né il servizio
              </label>
              <label class="inline">
                <input type="checkbox" checked={draft.offerCallbacks} onChange={(event) => edit({ offerCallbacks: event.currentTarget.checked })} />
                Richiamare chi riattacca in attesa
              </label>
              <label class="inline">
                <input
                  type="checkbox"
                  checked={draft.emailAcknowledgements}
                  onChange={(event) => edit({ emailAcknowledgements: event.currentTarget.checked })}
                />
                Inviare la conferma di ricezione alle e-mail
              </label>
              <label class="inline">
                <input type="checkbox" checked={draft.askRating} onChange={(event) => edit({ askRating: event.currentTarget.checked })} />
                Dopo la chiamata con l'operatore, chiedere a chi ha chiamato un voto da 1 a 5 sul servizio
              </label>
              {draft.portfolios.map((portfolio, index) => (
                <div class="voice-portfolio" key={portfolio.id}>
                  <h3 id={`voice-portfolio-${portfolio.id}`}>Portafoglio: {portfolio.name}</h3>
                  <TextFields
                    idPrefix={`voice-${portfolio.id}`}
                    texts={portfolio}
                    hints={voice.portfolios[index]!.inherited}
                    onChange={(changes) => editPortfolio(portfolio.id, changes)}
                    emergencyHint="Come l'ente"
                  />
                  <FlagSelect
                    label="Saluto neutro"
                    value={portfolio.neutralGreeting}
                    inherited={voice.settings.neutralGreeting}
                    onChange={(value) => editPortfolio(portfolio.id, { neutralGreeting: value })}
                  />
                  <FlagSelect
                    label="Richiamare chi riattacca in attesa"
                    value={portfolio.offerCallbacks}
                    inherited={voice.settings.offerCallbacks}
                    onChange={(value) => editPortfolio(portfolio.id, { offerCallbacks: value })}
                  />
                  <FlagSelect
                    label="Conferma di ricezione delle e-mail"
                    value={portfolio.emailAcknowledgements}
                    inherited={voice.settings.emailAcknowledgements}
                    onChange={(value) => editPortfolio(portfolio.id, { emailAcknowledgements: value })}
                  />
                  <FlagSelect
                    label="Voto da 1 a 5 dopo la chiamata"
                    value={portfolio.askRating}
                    inherited={voice.settings.askRating}
                    onChange={(value) => editPortfolio(portfolio.id, { askRating: value })}
                  />
                </div>
              ))}
              {canEdit ? (
                <div>
                  <button type="submit" class="primary" disabled={saving}>
                    {saving ? 'Salvataggio…' : 'Salva i testi vocali'}
                  </button>
                </div>
              ) : null}
            </fieldset>
          </form>
          {problems.length > 0 ? (
            <div class="notice error" role="alert">
              {problems.map((problem) => (
                <p key={problem}>{problem}</p>
              ))}
            </div>
          ) : null}
          <div aria-live="polite">{saved ? <p class="notice success">{saved}</p> : null}</div>
          <VoicePreviewBlock agency={agency} voice={voice} />
        </>
      )}
    </section>
  );
}

function TextFields({
  idPrefix,
  texts,
  hints,
  onChange,
  menuPrompt,
  emergencyHint,
}: {
  idPrefix: string;
  texts: Texts;
  hints: AgencyVoice['generated'];
  onChange: (changes: Partial<Texts>) => void;
  menuPrompt?: string;
  emergencyHint: string;
}) {
  return (
    <>
      <label for={`${idPrefix}-greeting`}>Saluto</label>
      <textarea
        id={`${idPrefix}-greeting`}
        rows={2}
        maxLength={VOICE_TEXT_LIMITS.greeting}
        value={texts.greeting}
        placeholder={hints.greeting}
        onInput={(event) => onChange({ greeting: event.currentTarget.value })}
      />
      <label for={`${idPrefix}-menu-intro`}>Introduzione al menu</label>
      <textarea
        id={`${idPrefix}-menu-intro`}
        rows={2}
        maxLength={VOICE_TEXT_LIMITS.menuIntro}
        value={texts.menuIntro}
        placeholder={hints.menuIntro ?? 'Nessuna: dopo il saluto segue il menu.'}
        aria-describedby={menuPrompt ? `${idPrefix}-menu-prompt` : undefined}
        onInput={(event) => onChange({ menuIntro: event.currentTarget.value })}
      />
      {menuPrompt ? (
        <p id={`${idPrefix}-menu-prompt`} class="muted small">
          Menu generato dalle categorie: «{menuPrompt}»
        </p>
      ) : null}
      <label for={`${idPrefix}-closed`}>Messaggio a servizio chiuso</label>
      <textarea
        id={`${idPrefix}-closed`}
        rows={4}
        maxLength={VOICE_TEXT_LIMITS.closedMessage}
        value={texts.closedMessage}
        placeholder={hints.closedMessage}
        aria-describedby={`${idPrefix}-closed-hint`}
        onInput={(event) => onChange({ closedMessage: event.currentTarget.value })}
      />
      <p id={`${idPrefix}-closed-hint`} class="muted small">
        Se vuoto è generato dagli orari e dalle festività (l'esempio in grigio è quello di adesso).
      </p>
      <label for={`${idPrefix}-emergency`}>Numero di emergenza (trasferimento a servizio chiuso)</label>
      <input
        id={`${idPrefix}-emergency`}
        inputMode="tel"
        value={texts.emergencyNumber}
        placeholder={hints.emergencyNumber ?? emergencyHint}
        onInput={(event) => onChange({ emergencyNumber: event.currentTarget.value })}
      />
    </>
  );
}

function FlagSelect({ label, value, inherited, onChange }: { label: string; value: Flag; inherited: boolean; onChange: (value: Flag) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(event.currentTarget.value as Flag)}>
        <option value="inherit">Come l'ente ({inherited ? 'sì' : 'no'})</option>
        <option value="yes">Sì</option>
        <option value="no">No</option>
      </select>
    </label>
  );
}

/** "Anteprima": the first answer to a caller of the agency or of a portfolio at a date and time of the agency's clock. */
function VoicePreviewBlock({ agency, voice }: { agency: string; voice: AgencyVoice }) {
  const [portfolio, setPortfolio] = useState('');
  const [at, setAt] = useState(() => DateTime.now().setZone(voice.timezone).toFormat("yyyy-MM-dd'T'HH:mm"));
  const [preview, setPreview] = useState<VoicePreview | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function listen(event: Event) {
    event.preventDefault();
    setError(null);
    const instant = DateTime.fromISO(at, { zone: voice.timezone });
    if (!instant.isValid) {
      setError("Scegliere una data e un'ora valide.");
      return;
    }
    try {
      setPreview(await get<VoicePreview>(`${ADMIN_API.agencyPart(agency, 'voice-preview')}${query({ portfolio, at: instant.toISO() })}`));
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div class="voice-preview">
      <h3 id="voice-preview-title">Anteprima</h3>
      <form class="admin-form" onSubmit={(event) => void listen(event)} aria-labelledby="voice-preview-title">
        {voice.portfolios.length > 0 ? (
          <label>
            Chi chiama
            <select value={portfolio} onChange={(event) => setPortfolio(event.currentTarget.value)}>
              <option value="">Un numero dell'ente</option>
              {voice.portfolios.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  Un numero del portafoglio {entry.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Data e ora ({voice.timezone})
          <input type="datetime-local" required value={at} onInput={(event) => setAt(event.currentTarget.value)} />
        </label>
        <div>
          <button type="submit">Ascolta l'anteprima</button>
        </div>
      </form>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <div aria-live="polite">
        {preview ? (
          <>
            <p class="small">
              {preview.open ? 'Servizio aperto' : 'Servizio chiuso'} il{' '}
              {DateTime.fromISO(preview.at).setZone(voice.timezone).setLocale('it').toFormat("cccc d LLLL yyyy 'alle' HH:mm")}: chi chiama sente
            </p>
            <ol class="voice-preview-lines">
              {preview.lines.map((line, index) => (
                <li key={`${index}-${line.verb}`} class={line.verb === 'say' ? 'say' : 'muted'}>
                  {line.verb === 'say' ? `«${line.text}»` : line.text}
                </li>
              ))}
            </ol>
            <details>
              <summary>TwiML</summary>
              <pre class="twiml">{preview.twiml}</pre>
            </details>
          </>
        ) : null}
      </div>
    </div>
  );
}
