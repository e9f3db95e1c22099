import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, get, query } from '../api.ts';
import { OperationsCard } from './operations-card.tsx';
import { StaffingCard } from './staffing-card.tsx';
import { BarChart, DayChart } from '../components/charts.tsx';
import { CATEGORY_LABEL, CHANNEL_LABEL, formatInteger, formatPct, formatSeconds } from '../format.ts';
import { REPORT_PATH } from '../endpoints.ts';
import type { AgencyToday } from '../../../src/contracts/live.ts';
import type { CallReport as CallReportAnswer, CallReportPeriod, StatementList, StatementListItem, Trend } from '../../../src/contracts/reports.ts';
import type { User } from '../session.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { QualityCards } from './quality-cards.tsx';
import { SavingsCard } from './savings-card.tsx';

/** CONTRACT §7: one period's report (the contract's type; the screen also holds the year before). */
export type CallReport = CallReportPeriod;

/** The report's totals have the same fields as today's figures on the wallboard (one definition, CONTRACT §7). */
type Totals = Omit<AgencyToday, 'date' | 'serviceLevelTargetMet'>;

const TOTAL_ROWS: readonly [keyof Totals, string, (value: number | null) => string][] = [
  ['calls', 'Chiamate ricevute', formatInteger],
  ['outOfHours', 'Fuori orario', formatInteger],
  ['offered', 'Offerte', formatInteger],
  ['queued', 'Entrate in coda', formatInteger],
  ['answered', 'Risposte', formatInteger],
  ['abandoned', 'Abbandonate', formatInteger],
  ['shortAbandoned', 'Abbandoni brevi', formatInteger],
  ['queuedCallbacks', 'Richiamate in coda (escluse dal livello di servizio)', formatInteger],
  ['serviceLevelPct', 'Livello di servizio', formatPct],
  ['abandonRatePct', 'Tasso di abbandono', formatPct],
  ['asaSeconds', 'Tempo medio di risposta (ASA)', formatSeconds],
  ['maxWaitSeconds', 'Attesa massima', formatSeconds],
  ['ahtSeconds', 'Durata media conversazione', formatSeconds],
  ['emails', 'E-mail ricevute', formatInteger],
  ['tickets', 'Segnalazioni registrate', formatInteger],
];

/** Today in Rome as YYYY-MM-DD (a UTC date would still be yesterday until 01:00 or 02:00). */
function romeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
}

/** The agency's portfolios (housing stocks it manages for others), from the live snapshot. */
export type AgencyPortfolios = Record<string, readonly { id: string; name: string }[]>;

/** `portfolio` of a report query: '' the whole agency, `none` its own stock, else a portfolio's id. */
const WHOLE_AGENCY = '';
const OWN_STOCK = 'none';

/** `today`: the platform's own date from the live snapshot, which may run on a demo clock. */
export function ReportsScreen({
  user,
  agencyNames,
  agencyPortfolios = {},
  today: platformToday,
}: {
  user: User;
  agencyNames: Record<string, string>;
  agencyPortfolios?: AgencyPortfolios;
  today?: string;
}) {
  const today = platformToday ?? romeToday();
  const monthStart = `${today.slice(0, 8)}01`;
  const [agency, setAgency] = useState(user.agency ?? user.agencies[0] ?? '');
  const [portfolio, setPortfolio] = useState(WHOLE_AGENCY);
  const portfolios = agencyPortfolios[agency] ?? [];
  const [from, setFrom] = useState(monthStart);
  const [to, setTo] = useState(today);
  const [report, setReport] = useState<CallReportAnswer | null>(null);
  const [previous, setPrevious] = useState<CallReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // Answers can come back out of order (a month of the whole agency takes longer than a day of one
  // portfolio): only the last request asked for may fill the page, or the title would name the
  // portfolio over the whole agency's figures.
  const lastAsked = useRef(0);

  async function load() {
    const asked = ++lastAsked.current;
    setLoading(true);
    setError(null);
    try {
      const current = await get<CallReportAnswer>(`${REPORT_PATH}${query({ agency, portfolio, from, to, compare: 'previous-year' })}`);
      if (asked !== lastAsked.current) return;
      setReport(current);
      setPrevious(current.previousYear ?? null);
    } catch (failure) {
      if (asked !== lastAsked.current) return;
      setError(errorText(failure));
      setReport(null);
    } finally {
      if (asked === lastAsked.current) setLoading(false);
    }
  }

  useEffect(() => {
    void load();
  }, [agency, portfolio]);

  const csv = `${REPORT_PATH}${query({ agency, portfolio, from, to, format: 'csv' })}`;

  return (
    <div class="reports">
      <form
        class="card report-form"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        <label>
          Ente
          {user.role === 'agency' ? (
            <input value={agencyNames[agency] ?? agency} readOnly aria-readonly="true" />
          ) : (
            <select
              name="agency"
              value={agency}
              onChange={(event) => {
                setAgency(event.currentTarget.value);
                // Another agency's portfolios are not this one's: start again from the whole agency.
                setPortfolio(WHOLE_AGENCY);
              }}
            >
              {user.agencies.map((code) => (
                <option key={code} value={code}>
                  {agencyNames[code] ?? code}
                </option>
              ))}
            </select>
          )}
        </label>
        {portfolios.length > 0 ? (
          <label>
            Portafoglio
            <select name="portfolio" value={portfolio} onChange={(event) => setPortfolio(event.currentTarget.value)}>
              <option value={WHOLE_AGENCY}>Tutto l’ente</option>
              <option value={OWN_STOCK}>Solo patrimonio proprio</option>
              {portfolios.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Dal
          <input type="date" value={from} max={to} onInput={(event) => setFrom(event.currentTarget.value)} required />
        </label>
        <label>
          Al
          <input type="date" value={to} min={from} onInput={(event) => setTo(event.currentTarget.value)} required />
        </label>
        <button type="submit" class="primary" disabled={loading}>
          {loading ? 'Calcolo…' : 'Aggiorna'}
        </button>
        <a class="button ghost" href={csv} download>
          Scarica CSV
        </a>
      </form>

      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {report ? (
        <h2 class="report-title" data-testid="report-title">
          {reportTitle(report, agencyNames)}
        </h2>
      ) : null}
      {report ? <ReportBody report={report} previous={previous} /> : loading ? <p class="muted">Calcolo del report…</p> : null}
      {report ? (
        <OperationsCard agency={report.agency} from={report.from} to={report.to} outcomes={report.wrapUpOutcomes} partOfAgency={Boolean(report.portfolio)} />
      ) : null}
      {report ? <QualityCards ratings={report.ratings} repeatCalls={report.repeatCalls} /> : null}
      {report?.savings ? <SavingsCard savings={report.savings} /> : null}
      <TrendChart agency={agency} portfolio={portfolio} />
      {user.role === 'agency' ? null : <StaffingCard agency={agency} agencyNames={agencyNames} />}
      <Statements agency={agency} />
      <Definitions report={report} />
    </div>
  );
}

/** "ALER Pavia-Lodi — Patrimonio abitativo del Comune di Pavia": whose calls the figures below count. */
function reportTitle(report: CallReport, agencyNames: Record<string, string>): string {
  const agencyName = report.agencyName ?? agencyNames[report.agency] ?? report.agency;
  if (!report.portfolio) return `Report di ${agencyName} — tutto l’ente`;
  if (report.portfolio.code === OWN_STOCK) return `Report di ${agencyName} — solo patrimonio proprio`;
  return `Report di ${agencyName} — ${report.portfolio.name}`;
}

function delta(current: number | null, earlier: number | null | undefined): string {
  if (current === null || earlier === null || earlier === undefined) return '—';
  if (earlier === 0) return current === 0 ? '0%' : 'n.d.';
  const change = ((current - earlier) / earlier) * 100;
  return `${change > 0 ? '+' : ''}${formatPct(Math.round(change * 10) / 10)}`;
}

function ReportBody({ report, previous }: { report: CallReport; previous: CallReport | null }) {
  const channels = channelRows(report);
  return (
    <>
      <section class="card" aria-labelledby="totals-title">
        <h2 id="totals-title">
          Totali {report.from.split('-').reverse().join('/')} – {report.to.split('-').reverse().join('/')}
        </h2>
        <TableScroll label="Totali">
          <table class="totals">
            <thead>
              <tr>
                <th scope="col">Indicatore</th>
                <th scope="col" class="num">
                  Periodo
                </th>
                <th scope="col" class="num">
                  Stesso periodo un anno prima
                </th>
                <th scope="col" class="num">
                  Variazione
                </th>
              </tr>
            </thead>
            <tbody>
              {TOTAL_ROWS.map(([key, label, format]) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td class="num strong">{format(report.totals[key])}</td>
                  <td class="num">{previous ? format(previous.totals[key]) : '—'}</td>
                  <td class="num">{key.endsWith('Pct') ? '' : delta(report.totals[key], previous?.totals[key])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <div class="report-grid">
        <section class="card" aria-labelledby="queues-title">
          <h2 id="queues-title">Per coda</h2>
          <TableScroll label="Per coda">
            <table>
              <thead>
                <tr>
                  <th scope="col">Coda</th>
                  <th scope="col" class="num">
                    In coda
                  </th>
                  <th scope="col" class="num">
                    Risposte
                  </th>
                  <th scope="col" class="num">
                    Abbandonate
                  </th>
                  <th scope="col" class="num">
                    ASA
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(report.byQueue).map(([queue, row]) => (
                  <tr key={queue}>
                    <th scope="row">{report.categories.find((category) => category.code === queue)?.label ?? CATEGORY_LABEL[queue] ?? queue}</th>
                    <td class="num">{formatInteger(row.queued ?? 0)}</td>
                    <td class="num">{formatInteger(row.answered ?? 0)}</td>
                    <td class="num">{formatInteger(row.abandoned ?? 0)}</td>
                    <td class="num">{formatSeconds(row.asaSeconds ?? null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
        <section class="card" aria-labelledby="channels-title">
          <h2 id="channels-title">Per canale</h2>
          {channels.length === 0 ? (
            <p class="muted small">Il report non riporta la suddivisione per canale.</p>
          ) : (
            <TableScroll label="Per canale">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Canale</th>
                    <th scope="col" class="num">
                      Contatti
                    </th>
                    <th scope="col" class="num">
                      Fuori orario
                    </th>
                    <th scope="col" class="num">
                      Risposte
                    </th>
                    <th scope="col" class="num">
                      Abbandonate
                    </th>
                    <th scope="col" class="num">
                      Liv. servizio
                    </th>
                    <th scope="col" class="num">
                      Segnalazioni
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {channels.map((row) => (
                    <tr key={row.channel}>
                      <th scope="row">{CHANNEL_LABEL[row.channel] ?? row.channel}</th>
                      <td class="num">{formatInteger(row.contacts)}</td>
                      <td class="num">{row.outOfHours === null ? '—' : formatInteger(row.outOfHours)}</td>
                      <td class="num">{row.answered === null ? '—' : formatInteger(row.answered)}</td>
                      <td class="num">{row.abandoned === null ? '—' : formatInteger(row.abandoned)}</td>
                      <td class="num">{formatPct(row.serviceLevelPct)}</td>
                      <td class="num">{row.tickets === null ? '—' : formatInteger(row.tickets)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="days-title">
        <h2 id="days-title">Per giorno</h2>
        <DayChart rows={report.byDay} previous={previous?.byDay ?? null} />
      </section>
      <section class="card" aria-labelledby="hours-title">
        <h2 id="hours-title">Per fascia oraria ({report.timezone})</h2>
        <BarChart
          xLabel="Ora"
          labels={report.byHour.map((row) => `${row.hour}`)}
          series={[
            { label: 'Chiamate', values: report.byHour.map((row) => row.calls), color: '#1f5fbf' },
            { label: 'Risposte', values: report.byHour.map((row) => row.answered), color: '#2e7d32' },
            { label: 'Abbandonate', values: report.byHour.map((row) => row.abandoned), color: '#c62828' },
          ]}
        />
      </section>
    </>
  );
}

type ChannelRow = {
  channel: string;
  contacts: number;
  outOfHours: number | null;
  answered: number | null;
  abandoned: number | null;
  serviceLevelPct: number | null;
  tickets: number | null;
};

/** Numero verde and landline calls, then e-mail (its contacts are messages, its work is tickets). */
function channelRows(report: CallReport): ChannelRow[] {
  const call = (channel: 'numero_verde' | 'landline'): ChannelRow => {
    const row = report.byChannel[channel];
    return {
      channel,
      contacts: row.calls,
      outOfHours: row.outOfHours,
      answered: row.answered,
      abandoned: row.abandoned,
      serviceLevelPct: row.serviceLevelPct,
      tickets: null,
    };
  };
  const email = report.byChannel.email;
  return [
    call('numero_verde'),
    call('landline'),
    { channel: 'email', contacts: email.emails, outOfHours: null, answered: null, abandoned: null, serviceLevelPct: null, tickets: email.tickets },
  ];
}

const MONTHS = ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'];

/** 36 complete months of volumes: what the contract renewal is negotiated on. */
function TrendChart({ agency, portfolio }: { agency: string; portfolio: string }) {
  const [trend, setTrend] = useState<Trend | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setTrend(null);
    setError(null);
    get<Trend>(`/api/v1/reports/trend${query({ agency, portfolio, months: 36 })}`)
      .then(setTrend)
      .catch((failure) => setError(errorText(failure)));
  }, [agency, portfolio]);
  return (
    <section class="card" aria-labelledby="trend-title">
      <h2 id="trend-title">Andamento degli ultimi 36 mesi</h2>
      {error ? <p class="notice error">{error}</p> : null}
      {trend ? (
        <BarChart
          labels={trend.months.map((row) => `${MONTHS[Number(row.month.slice(5)) - 1]} ’${row.month.slice(2, 4)}`)}
          series={[
            { label: 'Chiamate', values: trend.months.map((row) => row.calls), color: '#1f5fbf' },
            { label: 'E-mail', values: trend.months.map((row) => row.emails), color: '#8e44ad' },
            { label: 'Segnalazioni', values: trend.months.map((row) => row.tickets), color: '#2e7d32' },
          ]}
          xLabel="Mese"
        />
      ) : (
        <p class="muted">Caricamento…</p>
      )}
    </section>
  );
}

/** Issued quarterly statements (frozen; a re-issue is a new version), each with its printable page. */
function Statements({ agency }: { agency: string }) {
  const [items, setItems] = useState<StatementListItem[] | null>(null);
  useEffect(() => {
    get<StatementList>(`/api/v1/reports/statements${query({ agency })}`)
      .then((reply) => setItems(reply.items))
      .catch(() => setItems([]));
  }, [agency]);
  if (!items) return null;
  return (
    <section class="card" aria-labelledby="statements-title">
      <h2 id="statements-title">Rendiconti trimestrali emessi</h2>
      {items.length === 0 ? (
        <p class="muted small">Nessun rendiconto emesso per questo ente.</p>
      ) : (
        <ul class="items">
          {items.map((item) => (
            <li key={item.id}>
              <a href={`/api/v1/reports/statements/${item.id}/print`} target="_blank" rel="noopener">
                {item.period.replace('-Q', ' – trimestre ')} · versione {item.version}
              </a>
              {item.superseded ? <span class="muted small"> (sostituita)</span> : null}
              <div class="muted small">
                emesso il {new Date(item.issuedAt).toLocaleDateString('it-IT')} da {item.issuedBy?.name ?? '—'}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Definitions({ report }: { report: CallReport | null }) {
  const sl = report?.parameters.serviceLevelSeconds ?? 20;
  const short = report?.parameters.shortAbandonSeconds ?? 5;
  return (
    <section class="card definitions" aria-labelledby="definitions-title">
      <h2 id="definitions-title">Come si calcolano gli indicatori</h2>
      <dl>
        <dt>Chiamate ricevute</dt>
        <dd>Ogni chiamata in arrivo sui numeri dell’ente. Fuori orario: quelle arrivate a ente chiuso. Offerte = ricevute − fuori orario.</dd>
        <dt>Entrate in coda</dt>
        <dd>Chiamate offerte che hanno scelto (o ricevuto) una coda dal menu.</dd>
        <dt>Risposte</dt>
        <dd>Chiamate in coda collegate a un operatore (QueueResult = bridged).</dd>
        <dt>Abbandoni brevi e abbandonate</dt>
        <dd>
          Chi riaggancia in coda prima di {short} secondi è un abbandono breve e non entra negli indicatori; chi riaggancia dopo almeno {short} secondi è una
          chiamata abbandonata.
        </dd>
        <dt>Livello di servizio</dt>
        <dd>100 × risposte con attesa ≤ {sl} secondi ÷ (risposte + abbandonate). Non calcolato quando il denominatore è zero.</dd>
        <dt>Tasso di abbandono</dt>
        <dd>100 × abbandonate ÷ (risposte + abbandonate).</dd>
        <dt>Tempo medio di risposta (ASA)</dt>
        <dd>Attesa media in coda delle chiamate risposte. Attesa massima: la più lunga tra risposte e abbandonate.</dd>
        <dt>Durata media conversazione (AHT)</dt>
        <dd>Tempo medio di conversazione delle chiamate risposte.</dd>
        <dt>Valutazioni dopo la chiamata</dt>
        <dd>
          Dove l’ente la attiva, chi è stato servito da un operatore sente una domanda dopo la chiamata e vota da 1 (per niente soddisfatto) a 5 (molto
          soddisfatto) con la tastiera; un voto per chiamata, il primo. Media = somma dei voti ÷ chiamate valutate.
        </dd>
        <dt>Chiamate ripetute</dt>
        <dd>
          Chiamate da un numero che aveva già chiamato lo stesso ente nei 7 giorni precedenti (qualunque esito, anche fuori orario). I numeri nascosti non
          contano.
        </dd>
        <dt>Giorni e ore</dt>
        <dd>
          Una chiamata appartiene al giorno e all’ora locali ({report?.timezone ?? 'Europe/Rome'}) in cui è arrivata; i giorni dell’intervallo sono inclusi.
        </dd>
      </dl>
    </section>
  );
}
