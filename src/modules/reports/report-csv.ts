import { CATEGORY_TITLE_IT } from '../../domain/category-labels.ts';
import type { CallRatings, CallSavings, RepeatCalls } from '../../contracts/reports.ts';
import type { CallReport } from '../../domain/kpi.ts';
import { CSV_LINE_END, csvCell } from '../../util/csv.ts';

/**
 * The call report as a CSV that Italian Excel opens as it is: UTF-8 with a BOM (or accents turn
 * into mojibake), `;` between fields (the comma is the decimal separator), decimal commas, CRLF,
 * one section per table with a blank line between.
 */

type Cell = string | number | boolean | null;

export const BOM = '\uFEFF';

function formatCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
  return csvCell(value, ';');
}

/** One row of the reports' CSVs: `;` between Italian-formatted cells. */
export function csvRow(cells: readonly Cell[]): string {
  return cells.map(formatCell).join(';');
}

function totalsSection(title: string, report: CallReport): string[] {
  const t = report.totals;
  return [
    title,
    csvRow(['Indicatore', 'Valore']),
    csvRow(['Chiamate', t.calls]),
    csvRow(['Fuori orario', t.outOfHours]),
    csvRow(['Offerte (in orario)', t.offered]),
    csvRow(['Entrate in coda', t.queued]),
    csvRow(['Risposte', t.answered]),
    csvRow(['Abbandonate', t.abandoned]),
    csvRow(['Abbandoni brevi', t.shortAbandoned]),
    csvRow(['Perse senza esito', t.lost]),
    csvRow(['Richiamate in coda', t.queuedCallbacks]),
    csvRow([`Risposte entro ${report.parameters.serviceLevelSeconds} s`, t.answeredWithinServiceLevel]),
    csvRow(['Livello di servizio %', t.serviceLevelPct]),
    csvRow(['Obiettivo raggiunto', t.serviceLevelTargetMet]),
    csvRow(['Tasso di abbandono %', t.abandonRatePct]),
    csvRow(['Attesa media risposta (s)', t.asaSeconds]),
    csvRow(['Attesa massima (s)', t.maxWaitSeconds]),
    csvRow(['Durata media conversazione (s)', t.ahtSeconds]),
    csvRow(['E-mail', t.emails]),
    csvRow(['Segnalazioni', t.tickets]),
  ];
}

type WrapUpOutcome = Readonly<{ code: string; label: string; calls: number }>;

function outcomesSection(outcomes: readonly WrapUpOutcome[]): string[] {
  return ['Esiti delle chiamate', csvRow(['Codice', 'Esito', 'Chiamate']), ...outcomes.map((row) => csvRow([row.code, row.label, row.calls]))];
}

type Ratings = CallRatings;
type RatingRow = Pick<Ratings, 'count' | 'mean' | 'distribution'>;

const ratingCells = (row: RatingRow) => [
  row.count,
  row.mean,
  row.distribution['1'],
  row.distribution['2'],
  row.distribution['3'],
  row.distribution['4'],
  row.distribution['5'],
];
const RATING_HEADINGS = ['Valutazioni', 'Media (1-5)', 'Voto 1', 'Voto 2', 'Voto 3', 'Voto 4', 'Voto 5'];

/** Issue 17 §4: the callers' ratings after the call, in all, per queue and per month. */
function ratingsSection(ratings: Ratings): string[] {
  return [
    'Valutazioni dopo la chiamata',
    csvRow(['', ...RATING_HEADINGS]),
    csvRow(['Totale', ...ratingCells(ratings)]),
    ...ratings.byQueue.map((row) => csvRow([row.label, ...ratingCells(row)])),
    ...ratings.byMonth.map((row) => csvRow([row.month, ...ratingCells(row)])),
  ];
}

/** Issue 17 §5: calls from a number that called the agency within the week before, per month. */
function repeatCallsSection(repeats: RepeatCalls): string[] {
  return [
    `Chiamate ripetute (stesso numero entro ${repeats.windowDays} giorni)`,
    csvRow(['Mese', 'Chiamate con numero', 'Chiamate ripetute']),
    ...repeats.byMonth.map((row) => csvRow([row.month, row.callsWithNumber, row.repeatCalls])),
    csvRow(['Totale', repeats.callsWithNumber, repeats.repeatCalls]),
  ];
}

/** Issue 17 §5: what the platform answered without an operator, and the queued call-backs, per month. */
function savingsSection(savings: CallSavings): string[] {
  const cells = (row: Omit<CallSavings, 'byMonth'>) => [
    row.incidentReports,
    row.statusHeard,
    row.statusOnly,
    row.queuedCallbacksBooked,
    row.queuedCallbacksReached,
    row.queuedCallbacksGaveUp,
  ];
  return [
    'Risposte senza operatore e richiamate in coda',
    csvRow([
      'Mese',
      'Segnalazioni aggiunte a un guasto noto',
      'Stato della richiesta ascoltato',
      'Solo lo stato (riagganciato nel menu)',
      'Richiamate in coda prenotate',
      'Richiamate in coda riuscite',
      'Richiamate in coda passate all’elenco',
    ]),
    ...savings.byMonth.map((row) => csvRow([row.month, ...cells(row)])),
    csvRow(['Totale', ...cells(savings)]),
  ];
}

export function callReportCsv(
  report: CallReport & {
    categories: readonly { code: string; label: string }[];
    agencyName?: string;
    previousYear?: CallReport;
    wrapUpOutcomes?: readonly WrapUpOutcome[];
    ratings?: CallRatings;
    repeatCalls?: RepeatCalls;
    savings?: CallSavings;
    portfolio?: ReportPortfolio;
  },
): string {
  const lines: string[] = [
    csvRow(['Rapporto chiamate', report.agencyName ? `${report.agencyName} (${report.agency})` : report.agency]),
    // Only a report of part of the agency has this line, so the whole agency's CSV reads as before.
    ...(report.portfolio ? [csvRow(['Portafoglio', `${report.portfolio.name} (${report.portfolio.code})`])] : []),
    csvRow(['Dal', report.from]),
    csvRow(['Al', report.to]),
    csvRow(['Fuso orario', report.timezone]),
    csvRow(['Soglia livello di servizio (s)', report.parameters.serviceLevelSeconds]),
    csvRow(['Soglia abbandono breve (s)', report.parameters.shortAbandonSeconds]),
    csvRow(['Obiettivo livello di servizio %', report.parameters.serviceLevelTargetPct]),
    '',
    ...totalsSection('Totali', report),
    '',
    'Per coda',
    csvRow([
      'Coda',
      'In coda',
      'Risposte',
      'Abbandonate',
      'Abbandoni brevi',
      'Risposte entro soglia',
      'Livello di servizio %',
      'Tasso di abbandono %',
      'Attesa media risposta (s)',
      'Attesa massima (s)',
      'Durata media conversazione (s)',
    ]),
    ...Object.entries(report.byQueue).map(([queue, row]) =>
      csvRow([
        report.categories.find((category) => category.code === queue)?.label ?? CATEGORY_TITLE_IT[queue] ?? queue,
        row.queued,
        row.answered,
        row.abandoned,
        row.shortAbandoned,
        row.answeredWithinServiceLevel,
        row.serviceLevelPct,
        row.abandonRatePct,
        row.asaSeconds,
        row.maxWaitSeconds,
        row.ahtSeconds,
      ]),
    ),
    '',
    'Per canale',
    csvRow([
      'Canale',
      'Chiamate',
      'Fuori orario',
      'Offerte',
      'In coda',
      'Risposte',
      'Abbandonate',
      'Abbandoni brevi',
      'Livello di servizio %',
      'Tasso di abbandono %',
      'Attesa media risposta (s)',
      'E-mail',
      'Segnalazioni',
    ]),
    ...(['numero_verde', 'landline'] as const).map((channel) => {
      const row = report.byChannel[channel];
      return csvRow([
        channel === 'numero_verde' ? 'Numero verde' : 'Rete fissa',
        row.calls,
        row.outOfHours,
        row.offered,
        row.queued,
        row.answered,
        row.abandoned,
        row.shortAbandoned,
        row.serviceLevelPct,
        row.abandonRatePct,
        row.asaSeconds,
        null,
        null,
      ]);
    }),
    csvRow(['E-mail', null, null, null, null, null, null, null, null, null, null, report.byChannel.email.emails, report.byChannel.email.tickets]),
    '',
    ...(report.wrapUpOutcomes ? [...outcomesSection(report.wrapUpOutcomes), ''] : []),
    ...(report.ratings ? [...ratingsSection(report.ratings), ''] : []),
    ...(report.repeatCalls ? [...repeatCallsSection(report.repeatCalls), ''] : []),
    ...(report.savings ? [...savingsSection(report.savings), ''] : []),
    'Per giorno',
    csvRow(['Data', 'Chiamate', 'Fuori orario', 'Risposte', 'Abbandonate', 'E-mail', 'In coda', 'Abbandoni brevi', 'Segnalazioni']),
    ...report.byDay.map((row) =>
      csvRow([row.date, row.calls, row.outOfHours, row.answered, row.abandoned, row.emails, row.queued, row.shortAbandoned, row.tickets]),
    ),
    '',
    'Per ora del giorno',
    csvRow(['Ora', 'Chiamate', 'Risposte', 'Abbandonate', 'Fuori orario', 'In coda', 'Abbandoni brevi', 'Risposte entro soglia']),
    ...report.byHour.map((row) =>
      csvRow([row.hour, row.calls, row.answered, row.abandoned, row.outOfHours, row.queued, row.shortAbandoned, row.answeredWithinServiceLevel]),
    ),
  ];
  if (report.previousYear) {
    lines.push('', ...totalsSection(`Stesso periodo dell'anno precedente (${report.previousYear.from} – ${report.previousYear.to})`, report.previousYear));
  }
  return `${BOM}${lines.join(CSV_LINE_END)}${CSV_LINE_END}`;
}

/** The part of the agency a report covers: one portfolio, or its own stock (`none`). */
type ReportPortfolio = Readonly<{ code: string; name: string }>;

/** `chiamate-<agency>[-<portfolio>]-<from>-<to>.csv` (portfolio ids are lower-case letters, digits and dashes). */
export function callReportFilename(report: CallReport & { portfolio?: ReportPortfolio }): string {
  const part = report.portfolio ? `-${report.portfolio.code}` : '';
  return `chiamate-${report.agency}${part}-${report.from}-${report.to}.csv`;
}
