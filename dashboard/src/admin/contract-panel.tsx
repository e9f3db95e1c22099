import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post } from '../api.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import type { AgencyConfig, ContractVersion, ContractVersionList } from '../../../src/contracts/admin.ts';

const agencyPath = (agency: string) => `/api/v1/admin/agencies/${encodeURIComponent(agency)}`;
const contractsPath = (agency: string) => `${agencyPath(agency)}/contracts`;

/** The versions' `portfolio` for the agency as a whole (its own contract). */
const WHOLE_AGENCY = '';

const euro = (cents: number, currency = 'EUR') => (cents / 100).toLocaleString('it-IT', { style: 'currency', currency, minimumFractionDigits: 2 });
const dateIt = (date: string) => date.split('-').reverse().join('/');

/** "42.990,00", "42990", "42990.5" → cents; null when it is not an amount. */
function centsOf(text: string): number | null {
  const normalized = text
    .trim()
    .replaceAll(' ', '')
    .replace(/\.(?=\d{3}(\D|$))/g, '')
    .replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(normalized)) return null;
  return Math.round(Number(normalized) * 100);
}

/**
 * The versions of an agency's contract (never changed or deleted: statements already issued were
 * billed under them) and a form to record a renegotiation in force from a date. Terms left out
 * are the latest version's; only the first version asks for its duration.
 */
export function ContractPanel({ agency, canEdit = true }: { agency: string; canEdit?: boolean }) {
  const [versions, setVersions] = useState<ContractVersion[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [fee, setFee] = useState('');
  const [months, setMonths] = useState('36');
  const [portfolio, setPortfolio] = useState(WHOLE_AGENCY);
  const [portfolios, setPortfolios] = useState<AgencyConfig['portfolios']>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setVersions(null);
    setLoadError(null);
    get<ContractVersionList>(contractsPath(agency))
      .then((reply) => setVersions(reply.items))
      .catch((failure) => setLoadError(errorText(failure)));
    // Portfolios a version may bill separately; without them the choice is not shown.
    setPortfolio(WHOLE_AGENCY);
    get<AgencyConfig>(agencyPath(agency))
      .then((config) => setPortfolios(config.portfolios))
      .catch(() => setPortfolios([]));
  }, [agency]);

  // Only the very first version asks for its duration; a portfolio's first takes the agency's terms.
  const first = versions !== null && versions.length === 0;
  const portfolioName = (id: string | null) => (id === null ? 'Tutto l’ente' : (portfolios.find((candidate) => candidate.id === id)?.name ?? id));

  async function save(event: Event) {
    event.preventDefault();
    setFormError(null);
    setSaved(null);
    const annualFeeCents = centsOf(fee);
    if (annualFeeCents === null) {
      setFormError('Canone annuo: scrivere un importo in euro, ad esempio 45.000,00.');
      return;
    }
    setSaving(true);
    try {
      const reply = await post<ContractVersionList>(contractsPath(agency), {
        effectiveFrom,
        annualFeeCents,
        ...(first ? { months: Number(months) } : {}),
        ...(portfolio === WHOLE_AGENCY ? {} : { portfolio }),
      });
      setVersions(reply.items);
      const added = reply.items.at(-1);
      setSaved(
        added
          ? `Registrata la versione ${added.version}, in vigore dal ${dateIt(added.effectiveFrom)}${added.portfolio ? `, per ${portfolioName(added.portfolio)}` : ''}.`
          : 'Versione registrata.',
      );
      setEffectiveFrom('');
      setFee('');
    } catch (failure) {
      setFormError(errorText(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section class="card contract-panel" aria-labelledby={`contract-title-${agency}`}>
      <h2 id={`contract-title-${agency}`}>Contratto</h2>
      <p class="muted small">
        Ogni rinegoziazione è una nuova versione in vigore da una data; le versioni precedenti restano e continuano a fatturare i propri giorni.
        {portfolios.length > 0 ? ' Una versione può fatturare a parte un portafoglio: le sue chiamate e la sua quota escono dal contratto dell’ente.' : ''}
      </p>
      {loadError ? (
        <p class="notice error" role="alert">
          {loadError}
        </p>
      ) : null}
      {versions === null ? (
        loadError ? null : (
          <p class="muted">Caricamento…</p>
        )
      ) : versions.length === 0 ? (
        <p class="muted small">Nessun contratto registrato: i trimestri non vengono fatturati.</p>
      ) : (
        <TableScroll label="Versioni del contratto">
          <table>
            <thead>
              <tr>
                <th scope="col">Versione</th>
                <th scope="col">In vigore dal</th>
                {portfolios.length > 0 || versions.some((version) => version.portfolio !== null) ? <th scope="col">Fattura</th> : null}
                <th scope="col" class="num">
                  Canone annuo
                </th>
                <th scope="col">Durata</th>
                <th scope="col">Registrata</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr key={version.id}>
                  <td>{version.version}</td>
                  <td>{dateIt(version.effectiveFrom)}</td>
                  {portfolios.length > 0 || versions.some((candidate) => candidate.portfolio !== null) ? <td>{portfolioName(version.portfolio)}</td> : null}
                  <td class="num">
                    {euro(version.annualFeeCents, version.currency)}
                    {version.vatExcluded ? <span class="muted small"> + IVA</span> : null}
                  </td>
                  <td>
                    {version.months} mesi dal {dateIt(version.startsOn)}
                    {version.tacitRenewal ? `, rinnovo tacito (disdetta ${version.noticeMonths} mesi prima)` : ''}
                  </td>
                  <td>
                    {version.recordedAt ? (
                      <>
                        {new Date(version.recordedAt).toLocaleDateString('it-IT')}
                        <div class="muted small">da {version.recordedBy?.name ?? '—'}</div>
                      </>
                    ) : (
                      <span class="muted small">prima dello storico</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {canEdit ? (
        <form class="contract-form" onSubmit={(event) => void save(event)} aria-labelledby={`contract-form-title-${agency}`}>
          <h3 id={`contract-form-title-${agency}`} class="sr-only">
            Nuova versione del contratto
          </h3>
          {portfolios.length > 0 ? (
            <label>
              Fattura
              <select name="portfolio" value={portfolio} onChange={(event) => setPortfolio(event.currentTarget.value)}>
                <option value={WHOLE_AGENCY}>Tutto l’ente (contratto dell’ente)</option>
                {portfolios.map((option) => (
                  <option key={option.id} value={option.id}>
                    A parte: {option.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Nuova versione dal
            <input type="date" required value={effectiveFrom} onInput={(event) => setEffectiveFrom(event.currentTarget.value)} />
          </label>
          <label>
            Canone annuo (euro, IVA esclusa)
            <input
              inputMode="decimal"
              required
              value={fee}
              placeholder="45.000,00"
              aria-invalid={formError ? 'true' : undefined}
              onInput={(event) => setFee(event.currentTarget.value)}
            />
          </label>
          {first ? (
            <label>
              Durata (mesi)
              <input type="number" min={1} max={240} required value={months} onInput={(event) => setMonths(event.currentTarget.value)} />
            </label>
          ) : null}
          <button type="submit" class="primary" disabled={saving || versions === null}>
            {saving ? 'Registrazione…' : 'Registra la versione'}
          </button>
        </form>
      ) : null}
      {formError ? (
        <p class="notice error" role="alert">
          {formError}
        </p>
      ) : null}
      <div aria-live="polite">{saved ? <p class="notice success">{saved}</p> : null}</div>
    </section>
  );
}
