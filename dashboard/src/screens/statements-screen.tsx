import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post, query } from '../api.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { formatInteger, formatPct } from '../format.ts';
import type { IssuedStatement, StatementList, StatementListItem, StatementPreview, StatementVerification } from '../../../src/contracts/reports.ts';
import type { SplitStatementBody, StatementBody } from '../../../src/domain/statement.ts';
import type { User } from '../session.ts';
import { STATEMENT_WARNING_TEXT_IT } from '../../../src/domain/statement-warning-texts.ts';

const STATEMENTS_PATH = '/api/v1/reports/statements';

/** What each warning means to the person about to issue (the API gives its code). */
const WARNING_TEXT = STATEMENT_WARNING_TEXT_IT;

const euro = (cents: number | null) =>
  cents === null ? '—' : (cents / 100).toLocaleString('it-IT', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2 });
const dateIt = (date: string) => date.split('-').reverse().join('/');
const quarterLabel = (period: string) => {
  const [year, quarter] = period.split('-Q');
  return `${quarter}° trimestre ${year}`;
};

/** The quarters a statement may be asked for: the current one and the eleven before it, newest first. */
function recentQuarters(today: string): string[] {
  let year = Number(today.slice(0, 4));
  let quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const periods: string[] = [];
  for (let index = 0; index < 12; index += 1) {
    periods.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) {
      quarter = 4;
      year -= 1;
    }
  }
  return periods;
}

/**
 * Quarterly statements (prospetti) for supervisors and administrators: preview a quarter with its
 * contract lines, see the warnings, issue it, and verify, re-issue or print what was issued.
 */
export function StatementsScreen({ user, agencyNames, today }: { user: User; agencyNames: Record<string, string>; today: string }) {
  const quarters = recentQuarters(today);
  const [agency, setAgency] = useState(user.agencies[0] ?? '');
  // The last finished quarter: the one normally issued.
  const [period, setPeriod] = useState(quarters[1]);
  const [preview, setPreview] = useState<StatementPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [listVersion, setListVersion] = useState(0);

  async function loadPreview() {
    setLoading(true);
    setError(null);
    setMessage(null);
    setConfirmed(false);
    try {
      setPreview(await get<StatementPreview>(`${STATEMENTS_PATH}/preview${query({ agency, period })}`));
    } catch (failure) {
      setPreview(null);
      setError(errorText(failure));
    } finally {
      setLoading(false);
    }
  }

  async function issue(forPeriod: string) {
    setIssuing(true);
    setError(null);
    setMessage(null);
    try {
      const issued = await post<IssuedStatement>(STATEMENTS_PATH, { agency, period: forPeriod });
      setListVersion((n) => n + 1);
      // The preview of that quarter now warns that it was issued: show it as it is now.
      if (preview && forPeriod === period) await loadPreview();
      setMessage(`Emesso il rendiconto ${issued.number} (${quarterLabel(issued.period)}, versione ${issued.version}).`);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setIssuing(false);
    }
  }

  // The contract types the body loosely (src/contracts/reports.ts); its shape is the domain's.
  const previewBody = preview ? (preview.statement as unknown as SplitStatementBody) : null;
  const needsConfirmation = (preview?.warnings.length ?? 0) > 0;
  const canIssue = preview?.complete === true && (!needsConfirmation || confirmed) && !issuing;

  return (
    <div class="reports statements">
      <form
        class="card report-form"
        onSubmit={(event) => {
          event.preventDefault();
          void loadPreview();
        }}
      >
        <label>
          Ente
          <select value={agency} onChange={(event) => setAgency(event.currentTarget.value)}>
            {user.agencies.map((code) => (
              <option key={code} value={code}>
                {agencyNames[code] ?? code}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trimestre
          <select value={period} onChange={(event) => setPeriod(event.currentTarget.value)}>
            {quarters.map((option) => (
              <option key={option} value={option}>
                {quarterLabel(option)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={loading}>
          {loading ? 'Calcolo…' : 'Anteprima'}
        </button>
      </form>

      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <div aria-live="polite">{message ? <p class="notice success">{message}</p> : null}</div>

      {preview && previewBody ? (
        <section class="card" aria-labelledby="preview-title">
          <h2 id="preview-title">
            Anteprima: {previewBody.agency.name}, {quarterLabel(previewBody.period)}
          </h2>
          {!preview.complete ? (
            <p class="notice info">Il trimestre non è ancora concluso: si fattura posticipatamente, si potrà emettere dal giorno dopo.</p>
          ) : null}
          <StatementFigures statement={previewBody} versions={preview.contractVersions} />
          {preview.warnings.length > 0 ? (
            <ul class="notice warning" aria-label="Avvisi prima dell’emissione">
              {preview.warnings.map((warning) => (
                <li key={warning}>{WARNING_TEXT[warning]}</li>
              ))}
            </ul>
          ) : null}
          {preview.complete ? (
            <div class="issue-row">
              {needsConfirmation ? (
                <label class="inline">
                  <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />
                  Ho letto gli avvisi: emetti comunque
                </label>
              ) : null}
              <button type="button" class="primary" disabled={!canIssue} onClick={() => void issue(period)}>
                {issuing ? 'Emissione…' : preview.warnings.includes('already_issued') ? 'Emetti una nuova versione' : 'Emetti il rendiconto'}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      <IssuedStatements agency={agency} refresh={listVersion} onReissue={(forPeriod) => void issue(forPeriod)} busy={issuing} />
    </div>
  );
}

/**
 * The figures a statement bills on and its fee. Where the contract bills portfolios apart, the
 * agency's own part comes first, then one part per portfolio, then what the quarter costs in all.
 */
function StatementFigures({ statement, versions }: { statement: SplitStatementBody; versions: StatementPreview['contractVersions'] }) {
  const sections = statement.portfolios ?? [];
  if (sections.length === 0) return <StatementPart part={statement} quarterDays={statement.quarter.days} versions={versions} />;
  return (
    <>
      <h3>Contratto dell’ente (esclusi i portafogli fatturati a parte)</h3>
      <StatementPart part={statement} quarterDays={statement.quarter.days} versions={versions} nested />
      {sections.map((section) => (
        <div key={section.portfolio.code}>
          <h3>Portafoglio fatturato a parte: {section.portfolio.name}</h3>
          <StatementPart part={section} quarterDays={statement.quarter.days} versions={versions} nested label={section.portfolio.name} />
        </div>
      ))}
      <p class="strong">
        Totale del trimestre, ente e portafogli{statement.fee.vatExcluded ? ' (IVA esclusa)' : ''}:{' '}
        {euro(statement.invoiceTotalCents ?? statement.fee.totalCents)}
      </p>
    </>
  );
}

/** One billed part: its days and volumes, and its fee, one line per contract version (pro rata by days). */
function StatementPart({
  part,
  quarterDays,
  versions,
  nested = false,
  label,
}: {
  part: Pick<StatementBody, 'billedPeriod' | 'volumes' | 'kpis' | 'handledContacts' | 'costPerHandledContactCents' | 'fee' | 'quality'>;
  quarterDays: number;
  versions: StatementPreview['contractVersions'];
  nested?: boolean;
  /** The portfolio's name, so that each part's tables have their own names. */
  label?: string;
}) {
  const statement = { ...part, quarter: { days: quarterDays } };
  const versionOf = new Map(versions.map((version) => [version.id, version]));
  const FeeHeading = nested ? 'h4' : 'h3';
  return (
    <>
      <TableScroll label={label ? `Volumi del trimestre: ${label}` : 'Volumi del trimestre'}>
        <table class="totals">
          <tbody>
            <tr>
              <th scope="row">Giorni fatturati</th>
              <td class="num">
                {formatInteger(statement.billedPeriod.days)} di {formatInteger(statement.quarter.days)} ({dateIt(statement.billedPeriod.from)} –{' '}
                {dateIt(statement.billedPeriod.to)})
              </td>
            </tr>
            <tr>
              <th scope="row">Chiamate ricevute</th>
              <td class="num">{formatInteger(statement.volumes.calls)}</td>
            </tr>
            <tr>
              <th scope="row">Risposte</th>
              <td class="num">{formatInteger(statement.volumes.answered)}</td>
            </tr>
            <tr>
              <th scope="row">Abbandonate</th>
              <td class="num">{formatInteger(statement.volumes.abandoned)}</td>
            </tr>
            <tr>
              <th scope="row">E-mail</th>
              <td class="num">{formatInteger(statement.volumes.emails)}</td>
            </tr>
            <tr>
              <th scope="row">Livello di servizio</th>
              <td class="num">{formatPct(statement.kpis.serviceLevelPct)}</td>
            </tr>
            <tr>
              <th scope="row">Contatti gestiti</th>
              <td class="num">{formatInteger(statement.handledContacts.total)}</td>
            </tr>
            <tr>
              <th scope="row">Costo per contatto gestito</th>
              <td class="num">{euro(statement.costPerHandledContactCents)}</td>
            </tr>
            {statement.quality ? (
              <tr>
                <th scope="row">Valutazione dei chiamanti (1–5)</th>
                <td class="num">
                  media {statement.quality.meanRating === null ? '—' : statement.quality.meanRating.toLocaleString('it-IT', { minimumFractionDigits: 2 })} su{' '}
                  {formatInteger(statement.quality.ratedCalls)} chiamate valutate (voti 1–5:{' '}
                  {(['1', '2', '3', '4', '5'] as const).map((key) => formatInteger(statement.quality?.distribution[key])).join(' · ')})
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </TableScroll>
      <FeeHeading>Corrispettivo</FeeHeading>
      <TableScroll label={label ? `Corrispettivo di ${label}` : 'Corrispettivo per versione del contratto'}>
        <table>
          <thead>
            <tr>
              <th scope="col">Contratto</th>
              <th scope="col">Periodo</th>
              <th scope="col" class="num">
                Giorni
              </th>
              <th scope="col" class="num">
                Canone annuo
              </th>
              <th scope="col" class="num">
                Importo
              </th>
            </tr>
          </thead>
          <tbody>
            {statement.fee.lines.map((line) => {
              const version = versionOf.get(line.contractId);
              return (
                <tr key={`${line.contractId}-${line.from}`}>
                  <td>
                    {version ? `Versione ${version.version} dal ${dateIt(version.effectiveFrom)}` : `Contratto n. ${line.contractId}`}
                    {line.renewed ? ' (rinnovo tacito)' : ''}
                  </td>
                  <td>
                    {dateIt(line.from)} – {dateIt(line.to)}
                  </td>
                  <td class="num">{formatInteger(line.days)}</td>
                  <td class="num">{euro(line.annualFeeCents)}</td>
                  <td class="num">{euro(line.amountCents)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                {label ? 'Totale del portafoglio' : 'Totale del trimestre'}
                {statement.fee.vatExcluded ? ' (IVA esclusa)' : ''}
              </th>
              <td class="num strong">{euro(statement.fee.totalCents)}</td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>
      <p class="muted small">
        Ogni versione del contratto fattura i propri giorni: canone annuo ÷ 4 × giorni della versione ÷ {statement.quarter.days} giorni del trimestre,
        arrotondato al centesimo. Un trimestre intero sotto una sola versione costa un quarto del canone annuo.
      </p>
    </>
  );
}

type Verification = { id: string; result: StatementVerification | null; error: string | null };

/** Every issued version of the agency's statements, newest first, with verify, re-issue and print. */
function IssuedStatements({ agency, refresh, onReissue, busy }: { agency: string; refresh: number; onReissue: (period: string) => void; busy: boolean }) {
  const [items, setItems] = useState<StatementListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);

  useEffect(() => {
    setError(null);
    get<StatementList>(`${STATEMENTS_PATH}${query({ agency })}`)
      .then((reply) => setItems(reply.items))
      .catch((failure) => {
        setItems([]);
        setError(errorText(failure));
      });
  }, [agency, refresh]);

  async function verify(item: StatementListItem) {
    setVerification({ id: item.id, result: null, error: null });
    try {
      setVerification({ id: item.id, result: await get<StatementVerification>(`${STATEMENTS_PATH}/${item.id}/verify`), error: null });
    } catch (failure) {
      setVerification({ id: item.id, result: null, error: errorText(failure) });
    }
  }

  return (
    <section class="card" aria-labelledby="issued-title">
      <h2 id="issued-title">Rendiconti emessi</h2>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {items === null ? (
        <p class="muted">Caricamento…</p>
      ) : items.length === 0 ? (
        <p class="muted small">Nessun rendiconto emesso per questo ente.</p>
      ) : (
        <TableScroll label="Elenco dei rendiconti emessi">
          <table>
            <thead>
              <tr>
                <th scope="col">Numero</th>
                <th scope="col">Trimestre</th>
                <th scope="col">Emesso</th>
                <th scope="col">Azioni</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <span class="strong statement-number">{item.number}</span>
                    {item.superseded ? <span class="muted small"> (sostituito)</span> : null}
                  </td>
                  <td>{quarterLabel(item.period)}</td>
                  <td>
                    {new Date(item.issuedAt).toLocaleDateString('it-IT')}
                    <div class="muted small">da {item.issuedBy.name}</div>
                  </td>
                  <td class="actions">
                    <button type="button" class="ghost" onClick={() => void verify(item)} aria-label={`Verifica ${item.number}`}>
                      Verifica
                    </button>
                    {item.superseded ? null : (
                      <button type="button" class="ghost" disabled={busy} onClick={() => onReissue(item.period)} aria-label={`Riemetti ${item.number}`}>
                        Riemetti
                      </button>
                    )}
                    <a class="button ghost" href={`${STATEMENTS_PATH}/${item.id}/print`} target="_blank" rel="noopener" aria-label={`Stampa ${item.number}`}>
                      Stampa
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <div aria-live="polite">{verification ? <VerificationResult verification={verification} /> : null}</div>
    </section>
  );
}

function VerificationResult({ verification }: { verification: Verification }) {
  if (verification.error)
    return (
      <p class="notice error" role="alert">
        {verification.error}
      </p>
    );
  const result = verification.result;
  if (!result) return <p class="muted">Verifica in corso…</p>;
  return (
    <div class={`notice ${result.reproduces ? 'success' : 'warning'}`}>
      {result.reproduces ? (
        <p>Il rendiconto {result.number} si riproduce dai dati grezzi: nessuna differenza.</p>
      ) : (
        <>
          <p>Il rendiconto {result.number} non si riproduce più: i dati sono cambiati dopo l’emissione. Campi diversi:</p>
          <ul>
            {result.differences.map((path) => (
              <li key={path}>
                <code>{path}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.contractChanged ? <p>Il contratto del trimestre è stato modificato dopo l’emissione: riemettere per applicarlo.</p> : null}
    </div>
  );
}
