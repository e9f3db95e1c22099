import { useEffect, useState } from 'preact/hooks';
import type { CallReport, OperationsReport } from '../../../src/contracts/reports.ts';
import { errorText, get, query } from '../api.ts';
import { Loaded } from '../components/loaded.tsx';
import { TableScroll } from '../components/table-scroll.tsx';
import { formatInteger, formatPct, formatSeconds } from '../format.ts';

const SITE_LABEL: Record<OperationsReport['bySite'][number]['site'], string> = { on_site: 'In sede', remote: 'Da remoto', unknown: 'Non rilevata' };

const minutes = (value: number | null) => (value === null ? '—' : `${formatInteger(value)} min`);

/**
 * How the service was delivered over the chosen days: answered calls by the operators' site, the
 * outcome codes, call-backs against their deadline and the first response to e-mails. Sites, never
 * single operators (art. 4 of the Statuto dei lavoratori), as the page says.
 */
export function OperationsCard({
  agency,
  from,
  to,
  outcomes,
  partOfAgency,
}: {
  agency: string;
  from: string;
  to: string;
  outcomes: CallReport['wrapUpOutcomes'];
  partOfAgency: boolean;
}) {
  const [report, setReport] = useState<OperationsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = `/api/v1/reports/operations${query({ agency, from, to })}`;
  useEffect(() => {
    setReport(null);
    setError(null);
    get<OperationsReport>(url)
      .then(setReport)
      .catch((failure) => setError(errorText(failure)));
  }, [url]);

  return (
    <section class="card" aria-labelledby="operations-title">
      <h2 id="operations-title">Come è stato svolto il servizio</h2>
      <p class="muted small">
        Dati per sede: il controllo dell’attività dei lavoratori è limitato dall’art. 4 dello Statuto dei lavoratori, e i dati per singolo operatore compaiono
        solo dove un accordo lo consente.
        {partOfAgency ? ' Queste cifre riguardano tutto l’ente, non solo il portafoglio scelto.' : ''}
      </p>
      <Loaded data={report} error={error}>
        {(report) => (
          <div class="report-grid">
            <div>
              <h3>Risposte per sede</h3>
              <HandlingTable
                label="Risposte per sede dell’operatore"
                first="Sede"
                rows={report.bySite.map((row) => ({ ...row, key: row.site, name: SITE_LABEL[row.site] }))}
              />
              <h3>Esiti delle chiamate</h3>
              {outcomes && outcomes.some((row) => row.calls > 0) ? (
                <TableScroll label="Chiamate per esito">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Esito</th>
                        <th scope="col" class="num">
                          Chiamate
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {outcomes.map((row) => (
                        <tr key={row.code}>
                          <th scope="row">{row.label}</th>
                          <td class="num">{formatInteger(row.calls)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              ) : (
                <p class="muted">Nessun esito registrato in questi giorni: gli operatori lo scelgono alla fine di ogni chiamata.</p>
              )}
            </div>
            <div>
              <h3>Richiamate</h3>
              <dl class="figures">
                <dt>Richiamate fatte entro la scadenza</dt>
                <dd>
                  {formatInteger(report.callbacks.doneInTime)} su {formatInteger(report.callbacks.done)} ({formatPct(report.callbacks.inTimePct)})
                </dd>
                <dt>Ancora aperte e scadute</dt>
                <dd>{formatInteger(report.callbacks.openOverdue)}</dd>
                <dt>Non riuscite</dt>
                <dd>{formatInteger(report.callbacks.failed)}</dd>
              </dl>
              <h3>E-mail</h3>
              <dl class="figures">
                <dt>Segnalazioni aperte da e-mail</dt>
                <dd>{formatInteger(report.email.received)}</dd>
                <dt>Prima risposta di una persona, mediana</dt>
                <dd>{minutes(report.email.medianMinutes)}</dd>
                <dt>Prima risposta, 9 casi su 10 entro</dt>
                <dd>{minutes(report.email.p90Minutes)}</dd>
                <dt>Ancora senza risposta</dt>
                <dd>{formatInteger(report.email.waiting)}</dd>
              </dl>
              <a href={`/api/v1/reports/operations${query({ agency, from, to, format: 'csv' })}`} download>
                Scarica CSV del servizio
              </a>
            </div>
          </div>
        )}
      </Loaded>
      {report?.perOperator ? <PerOperator figures={report.perOperator} /> : null}
    </section>
  );
}

/** Shown only where an administrator named the agreement that allows it, which the page states. */
function PerOperator({ figures }: { figures: NonNullable<OperationsReport['perOperator']> }) {
  return (
    <div class="per-operator">
      <h3>Per operatore</h3>
      <p class="notice info">Dati per singolo operatore consentiti da: {figures.agreement}</p>
      <HandlingTable label="Risposte per operatore" first="Operatore" rows={figures.rows.map((row) => ({ ...row, key: row.operator, name: row.operator }))} />
    </div>
  );
}

type HandlingRow = Readonly<{ key: string; name: string; answered: number; ahtSeconds: number | null; wrapUpSeconds: number | null }>;

/** Answered calls, mean talk and mean wrap-up per site or per operator: the one shape both breakdowns have. */
function HandlingTable({ label, first, rows }: { label: string; first: string; rows: readonly HandlingRow[] }) {
  return (
    <TableScroll label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" class="num">
              Risposte
            </th>
            <th scope="col" class="num">
              Conversazione media
            </th>
            <th scope="col" class="num">
              Riordino medio
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.name}</th>
              <td class="num">{formatInteger(row.answered)}</td>
              <td class="num">{formatSeconds(row.ahtSeconds)}</td>
              <td class="num">{formatSeconds(row.wrapUpSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
