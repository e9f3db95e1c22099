import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgencyCategoryList, AgencyConfig } from '../../../src/contracts/admin.ts';
import type { DeliveryTarget, DeliveryTestResult } from '../../../src/contracts/delivery.ts';
import { api, errorText, get, patch, post } from '../api.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { ADMIN_API } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { useSave } from './use-resource.ts';

const TARGETS_PATH = '/api/v1/delivery-targets';
const targetPath = (id: string) => `${TARGETS_PATH}/${encodeURIComponent(id)}`;

type CreatedTarget = DeliveryTarget & { secret?: string };

/** The form's fields, as text; `editing` is the target being changed, null for a new one. */
type Draft = {
  editing: string | null;
  portfolio: string;
  category: string;
  kind: 'webhook' | 'email';
  label: string;
  destination: string;
  secret: string;
  active: boolean;
};

const emptyDraft = (): Draft => ({ editing: null, portfolio: '', category: '', kind: 'webhook', label: '', destination: '', secret: '', active: true });

const draftOf = (target: DeliveryTarget): Draft => ({
  editing: target.id,
  portfolio: target.portfolio ?? '',
  category: target.category ?? '',
  kind: target.kind,
  label: target.label,
  destination: (target.kind === 'webhook' ? target.url : target.emailTo) ?? '',
  secret: '',
  active: target.active,
});

/**
 * Where the agency's tickets go: a webhook or an e-mail address per portfolio and category (empty:
 * any), the most specific one winning. Administrators add, change and turn targets off; everyone
 * who sees the panel may send a test delivery and read what the endpoint answered.
 */
export function DeliveryPanel({ agency, canEdit = true }: { agency: string; canEdit?: boolean }) {
  const [targets, setTargets] = useState<DeliveryTarget[] | null>(null);
  const [portfolios, setPortfolios] = useState<AgencyConfig['portfolios']>([]);
  const [categories, setCategories] = useState<AgencyCategoryList['items']>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [secretShown, setSecretShown] = useState<{ label: string; secret: string } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [tested, setTested] = useState<{ label: string; result: DeliveryTestResult } | { label: string; error: string } | null>(null);
  const { state, run, fail } = useSave();
  const formTitle = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    setTargets(null);
    setLoadError(null);
    Promise.all([
      get<{ items: DeliveryTarget[] }>(`${TARGETS_PATH}?agency=${encodeURIComponent(agency)}`),
      get<AgencyConfig>(ADMIN_API.agency(agency)),
      get<AgencyCategoryList>(ADMIN_API.agencyPart(agency, 'categories')),
    ])
      .then(([list, config, categoryList]) => {
        if (!current) return;
        setTargets(list.items);
        setPortfolios(config.portfolios);
        setCategories(categoryList.items);
      })
      .catch((failure: unknown) => current && setLoadError(errorText(failure)));
    return () => {
      current = false;
    };
  }, [agency]);

  /**
   * The portfolios and categories again, when the form is entered: a category added a moment ago in
   * the panel above must be choosable here without reloading the page.
   */
  function refreshChoices() {
    Promise.all([get<AgencyConfig>(ADMIN_API.agency(agency)), get<AgencyCategoryList>(ADMIN_API.agencyPart(agency, 'categories'))])
      .then(([config, categoryList]) => {
        setPortfolios(config.portfolios);
        setCategories(categoryList.items);
      })
      .catch(() => undefined);
  }

  const portfolioName = (id: string | null) => (id === null ? 'Tutti' : (portfolios.find((portfolio) => portfolio.id === id)?.name ?? id));
  const categoryName = (code: string | null) => (code === null ? 'Tutte' : (categories.find((category) => category.code === code)?.label ?? code));
  const describe = (target: DeliveryTarget) => `${target.label} (${portfolioName(target.portfolio)}, ${categoryName(target.category)})`;
  const replaced = (next: DeliveryTarget) => setTargets((current) => current && current.map((target) => (target.id === next.id ? next : target)));

  async function save(event: Event) {
    event.preventDefault();
    setSecretShown(null);
    if (!draft.label.trim()) return fail('Dai un nome alla destinazione (per esempio «Ufficio tecnico»).');
    const destination = draft.destination.trim();
    if (draft.kind === 'webhook' && !/^https?:\/\/\S+$/i.test(destination))
      return fail('Indirizzo del webhook: scrivi un URL che inizi con https:// (o http://).');
    if (draft.kind === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(destination)) return fail('Indirizzo e-mail non valido.');
    if (draft.secret && draft.secret.length < 16) return fail('Il segreto condiviso deve avere almeno 16 caratteri (oppure lascialo vuoto).');
    const scope = { portfolio: draft.portfolio || null, category: draft.category || null, label: draft.label.trim() };
    const where = draft.kind === 'webhook' ? { url: destination } : { emailTo: destination };
    const secret = draft.kind === 'webhook' && draft.secret ? { secret: draft.secret } : {};
    if (draft.editing) {
      const updated = await run(
        () => patch<DeliveryTarget>(targetPath(draft.editing!), { ...scope, ...where, ...secret, active: draft.active }),
        'Destinazione aggiornata.',
      );
      if (updated) {
        replaced(updated);
        setDraft(emptyDraft());
      }
      return;
    }
    const created = await run(() => post<CreatedTarget>(TARGETS_PATH, { agency, kind: draft.kind, ...scope, ...where, ...secret }), 'Destinazione aggiunta.');
    if (created) {
      const { secret: generated, ...target } = created;
      setTargets((current) => [...(current ?? []), target]);
      if (generated) setSecretShown({ label: target.label, secret: generated });
      setDraft(emptyDraft());
    }
  }

  async function setActive(target: DeliveryTarget, active: boolean) {
    const updated = await run(
      () => patch<DeliveryTarget>(targetPath(target.id), { active }),
      active ? 'Destinazione riattivata.' : 'Destinazione disattivata.',
    );
    if (updated) replaced(updated);
  }

  async function sendTest(target: DeliveryTarget) {
    setTesting(target.id);
    setTested(null);
    try {
      setTested({ label: target.label, result: await post<DeliveryTestResult>(`${targetPath(target.id)}/test`) });
    } catch (failure) {
      setTested({ label: target.label, error: errorText(failure) });
    } finally {
      setTesting(null);
    }
  }

  function edit(target: DeliveryTarget) {
    setSecretShown(null);
    setDraft(draftOf(target));
    formTitle.current?.focus();
  }

  return (
    <section class="card delivery-panel" aria-labelledby="delivery-title">
      <h2 id="delivery-title">Consegna delle segnalazioni</h2>
      <p class="muted">
        Ogni segnalazione va alle destinazioni attive più specifiche: prima portafoglio e categoria, poi solo portafoglio, poi solo categoria, infine quelle
        valide per tutto l’ente.
      </p>
      {loadError ? (
        <p class="notice error" role="alert">
          {loadError}
        </p>
      ) : null}
      {targets === null && !loadError ? <p class="muted">Caricamento…</p> : null}
      {targets?.length === 0 ? <p class="muted">Nessuna destinazione: le segnalazioni di questo ente non vengono inoltrate ai suoi uffici.</p> : null}
      {targets && targets.length > 0 ? (
        <TableScroll label="Destinazioni di consegna">
          <table class="delivery-targets">
            <thead>
              <tr>
                <th scope="col">Nome</th>
                <th scope="col">Portafoglio</th>
                <th scope="col">Categoria</th>
                <th scope="col">Tipo</th>
                <th scope="col">Destinazione</th>
                <th scope="col">Attiva</th>
                <th scope="col">Azioni</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((target) => (
                <tr key={target.id} class={target.active ? undefined : 'disabled'}>
                  <td>{target.label}</td>
                  <td>{portfolioName(target.portfolio)}</td>
                  <td>{categoryName(target.category)}</td>
                  <td class="kind">{target.kind === 'webhook' ? 'Webhook' : 'E-mail'}</td>
                  <td class="destination">{target.kind === 'webhook' ? target.url : target.emailTo}</td>
                  <td>{target.active ? 'Sì' : 'No'}</td>
                  <td>
                    <div class="row-actions">
                      <button type="button" class="small-button" disabled={testing !== null} onClick={() => void sendTest(target)}>
                        {testing === target.id ? 'Invio…' : 'Invia prova'}
                        <span class="sr-only"> a {describe(target)}</span>
                      </button>
                      {canEdit ? (
                        <>
                          <button type="button" class="small-button" onClick={() => edit(target)}>
                            Modifica<span class="sr-only"> {describe(target)}</span>
                          </button>
                          <button type="button" class={`small-button${target.active ? ' danger' : ''}`} onClick={() => void setActive(target, !target.active)}>
                            {target.active ? 'Disattiva' : 'Riattiva'}
                            <span class="sr-only"> {describe(target)}</span>
                          </button>
                        </>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <div class="delivery-test-result" aria-live="polite">
        {tested ? <TestResult {...tested} /> : null}
      </div>
      {secretShown ? (
        <div class="notice success" role="alert">
          Segreto condiviso di «{secretShown.label}»: <code class="secret">{secretShown.secret}</code>. Comunicalo all’ente ora: serve a verificare la firma
          delle consegne e non verrà mostrato di nuovo.
        </div>
      ) : null}
      {canEdit && targets ? (
        <form class="admin-form" onSubmit={save} onFocusIn={(event) => !event.currentTarget.contains(event.relatedTarget as Node | null) && refreshChoices()}>
          <h3 id="delivery-form-title" tabIndex={-1} ref={formTitle}>
            {draft.editing ? 'Modifica destinazione' : 'Nuova destinazione'}
          </h3>
          <label>
            Nome
            <input
              value={draft.label}
              maxLength={200}
              placeholder="Ufficio tecnico"
              onInput={(event) => setDraft({ ...draft, label: event.currentTarget.value })}
            />
          </label>
          <label>
            Portafoglio
            <select value={draft.portfolio} onChange={(event) => setDraft({ ...draft, portfolio: event.currentTarget.value })}>
              <option value="">Tutti (anche il patrimonio proprio)</option>
              {portfolios.map((portfolio) => (
                <option key={portfolio.id} value={portfolio.id}>
                  {portfolio.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Categoria
            <select value={draft.category} onChange={(event) => setDraft({ ...draft, category: event.currentTarget.value })}>
              <option value="">Tutte</option>
              {categories
                .filter((category) => !category.retired || category.code === draft.category)
                .map((category) => (
                  <option key={category.code} value={category.code}>
                    {category.label}
                  </option>
                ))}
            </select>
          </label>
          <fieldset class="choices" disabled={draft.editing !== null}>
            <legend>Tipo</legend>
            <label class="inline">
              <input
                type="radio"
                name="delivery-kind"
                checked={draft.kind === 'webhook'}
                onChange={() => setDraft({ ...draft, kind: 'webhook', destination: '' })}
              />{' '}
              Webhook firmato
            </label>
            <label class="inline">
              <input
                type="radio"
                name="delivery-kind"
                checked={draft.kind === 'email'}
                onChange={() => setDraft({ ...draft, kind: 'email', destination: '', secret: '' })}
              />{' '}
              E-mail
            </label>
          </fieldset>
          <label>
            {draft.kind === 'webhook' ? 'Indirizzo del webhook (URL)' : 'Indirizzo e-mail'}
            <input
              type="text"
              inputMode={draft.kind === 'webhook' ? 'url' : 'email'}
              autoComplete="off"
              spellcheck={false}
              value={draft.destination}
              placeholder={draft.kind === 'webhook' ? 'https://gestionale.ente.example/centralino' : 'ufficio@ente.example'}
              onInput={(event) => setDraft({ ...draft, destination: event.currentTarget.value })}
            />
          </label>
          {draft.kind === 'webhook' ? (
            <label>
              Segreto condiviso <span class="small">(facoltativo: {draft.editing ? 'vuoto lascia quello attuale' : 'vuoto ne genera uno'})</span>
              <input
                type="password"
                autoComplete="new-password"
                value={draft.secret}
                onInput={(event) => setDraft({ ...draft, secret: event.currentTarget.value })}
              />
            </label>
          ) : null}
          {draft.editing ? (
            <label class="inline">
              <input type="checkbox" checked={draft.active} onChange={(event) => setDraft({ ...draft, active: event.currentTarget.checked })} /> Attiva
            </label>
          ) : null}
          <div class="action-row">
            <button type="submit" class="primary" disabled={state.busy}>
              {draft.editing ? 'Salva modifiche' : 'Aggiungi destinazione'}
            </button>
            {draft.editing ? (
              <button type="button" onClick={() => setDraft(emptyDraft())}>
                Annulla
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      <SaveStatus state={state} />
    </section>
  );
}

/** What the endpoint said to a test delivery: the outcome, the status or SMTP reply, the time, the start of its answer. */
function TestResult(props: { label: string; result: DeliveryTestResult } | { label: string; error: string }) {
  if ('error' in props) {
    return (
      <p class="notice error">
        Prova a «{props.label}» non inviata: {props.error}
      </p>
    );
  }
  const { result } = props;
  return (
    <div class={`notice ${result.ok ? 'success' : 'error'}`}>
      <p>
        <strong>
          {result.ok ? 'Prova riuscita' : 'Prova non riuscita'} – {props.label}.
        </strong>{' '}
        {result.summary}
      </p>
      <ul class="test-facts">
        {result.statusCode !== null ? <li>Stato HTTP: {result.statusCode}</li> : null}
        {result.smtpResponse ? <li>Risposta del server SMTP: {result.smtpResponse}</li> : null}
        <li>Tempo: {result.durationMs} ms</li>
      </ul>
      {result.excerpt ? (
        <>
          <p class="small">Inizio della risposta:</p>
          <pre class="answer-excerpt" tabIndex={0}>
            {result.excerpt}
          </pre>
        </>
      ) : null}
    </div>
  );
}
