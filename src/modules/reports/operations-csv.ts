import type { OperationsReport } from '../../contracts/reports.ts';
import { CSV_LINE_END } from '../../util/csv.ts';
import { BOM, csvRow } from './report-csv.ts';

export const SITE_IT: Readonly<Record<OperationsReport['bySite'][number]['site'], string>> = {
  on_site: 'in sede',
  remote: 'da remoto',
  unknown: 'non rilevata',
};

/** The operations report for Excel, as the call report's CSV: UTF-8 with a BOM, `;`, decimal commas, CRLF. */
export function operationsCsv(report: OperationsReport): string {
  const { callbacks, email } = report;
  const lines = [
    csvRow(['Rapporto di servizio', `${report.agencyName} (${report.agency})`]),
    csvRow(['Dal', report.from]),
    csvRow(['Al', report.to]),
    '',
    csvRow(['Sede', 'Risposte', 'Conversazione media (s)', 'Riordino medio (s)']),
    ...report.bySite.map((row) => csvRow([SITE_IT[row.site], row.answered, row.ahtSeconds, row.wrapUpSeconds])),
    '',
    csvRow(['Richiamate', 'Valore']),
    csvRow(['Create', callbacks.created]),
    csvRow(['Fatte', callbacks.done]),
    csvRow(['Fatte entro la scadenza', callbacks.doneInTime]),
    csvRow(['Entro la scadenza %', callbacks.inTimePct]),
    csvRow(['Aperte e scadute', callbacks.openOverdue]),
    csvRow(['Non riuscite', callbacks.failed]),
    '',
    csvRow(['E-mail', 'Valore']),
    csvRow(['Segnalazioni aperte da e-mail', email.received]),
    csvRow(['Prese in carico', email.answered]),
    csvRow(['In attesa', email.waiting]),
    csvRow(['Prima risposta, mediana (min)', email.medianMinutes]),
    csvRow(['Prima risposta, 90° percentile (min)', email.p90Minutes]),
    ...(report.perOperator
      ? [
          '',
          csvRow(['Per operatore', report.perOperator.agreement]),
          csvRow(['Operatore', 'Risposte', 'Conversazione media (s)', 'Riordino medio (s)']),
          ...report.perOperator.rows.map((row) => csvRow([row.operator, row.answered, row.ahtSeconds, row.wrapUpSeconds])),
        ]
      : []),
  ];
  return `${BOM}${lines.join(CSV_LINE_END)}${CSV_LINE_END}`;
}

export function operationsFilename(report: OperationsReport): string {
  return `servizio-${report.agency}-${report.from}-${report.to}.csv`;
}
