import { DateTime } from 'luxon';
import type { CallReport } from '../../domain/kpi.ts';
import type { SplitStatementBody } from '../../domain/statement.ts';
import type { StatementWarning } from '../../contracts/reports.ts';
import { STATEMENT_WARNING_TEXT_IT } from '../../domain/statement-warning-texts.ts';
import { callReportCsv, callReportFilename } from '../reports/report-csv.ts';
import { escapeHtml } from '../reports/statement-html.ts';

/**
 * The Italian e-mails that arrive by themselves: the monthly call-volume report to an agency's
 * liaison (figures in the body, the report's CSV attached) and the quarter's statement draft to the
 * supervisors who issue it. Plain HTML with inline styles (mail clients drop style sheets) and the
 * same text for clients that show no HTML. Every value is escaped.
 */

export type RenderedMail = Readonly<{ subject: string; text: string; html: string; attachmentName: string | null; attachmentCsv: string | null }>;

type MonthlyReport = CallReport & { categories: readonly { code: string; label: string }[]; agencyName: string };

const number = (value: number) => value.toLocaleString('it-IT');
const pct = (value: number | null) => (value === null ? '—' : `${value.toLocaleString('it-IT', { maximumFractionDigits: 1 })} %`);
const seconds = (value: number | null) => (value === null ? '—' : `${Math.round(value).toLocaleString('it-IT')} s`);
const euros = (cents: number, currency: string) => (cents / 100).toLocaleString('it-IT', { style: 'currency', currency, minimumFractionDigits: 2 });
const monthName = (period: string) => DateTime.fromISO(`${period}-01`, { zone: 'UTC' }).setLocale('it').toFormat('LLLL yyyy');

function table(rows: readonly (readonly string[])[], head: readonly string[]): string {
  const cell = (tag: 'th' | 'td', value: string, first: boolean) =>
    `<${tag} style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:${first ? 'left' : 'right'}">${escapeHtml(value)}</${tag}>`;
  const line = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((value, index) => cell(tag, value, index === 0)).join('')}</tr>`;
  return `<table style="border-collapse:collapse;margin:8px 0 16px">${line(head, 'th')}${rows.map((cells) => line(cells, 'td')).join('')}</table>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:Arial,sans-serif;color:#1a1a1a">${body}</body></html>`;
}

/** The month's figures of one agency, as the report screen and its CSV give them. */
export function monthlyReportMail(report: MonthlyReport, period: string): RenderedMail {
  const t = report.totals;
  const month = monthName(period);
  const subject = `Rapporto chiamate di ${month} – ${report.agencyName}`;
  const figures: [string, string][] = [
    ['Chiamate', number(t.calls)],
    ['Fuori orario', number(t.outOfHours)],
    ['Risposte', number(t.answered)],
    ['Abbandonate', number(t.abandoned)],
    [`Livello di servizio (risposte entro ${report.parameters.serviceLevelSeconds} s)`, pct(t.serviceLevelPct)],
    ['Tasso di abbandono', pct(t.abandonRatePct)],
    ['Attesa media', seconds(t.asaSeconds)],
    ['Durata media della conversazione', seconds(t.ahtSeconds)],
    ['E-mail ricevute', number(t.emails)],
    ['Segnalazioni aperte', number(t.tickets)],
  ];
  const queues = report.categories.map(({ code, label }) => {
    const row = report.byQueue[code];
    return [label, number(row?.queued ?? 0), number(row?.answered ?? 0), number(row?.abandoned ?? 0), pct(row?.serviceLevelPct ?? null)];
  });
  const intro = `Il rapporto delle chiamate di ${month} (dal ${report.from} al ${report.to}) per ${report.agencyName}. In allegato lo stesso rapporto in CSV, che Excel apre così com'è.`;
  const text = [
    intro,
    '',
    ...figures.map(([label, value]) => `${label}: ${value}`),
    '',
    'Per coda: in coda / risposte / abbandonate / livello di servizio',
    ...queues.map(([label, ...values]) => `${label}: ${values.join(' / ')}`),
    '',
    'Messaggio inviato automaticamente da Centralino. Per non riceverlo più, o per cambiare destinatari, scrivete al call center.',
  ].join('\n');
  const html = page(
    subject,
    `<h1 style="font-size:20px">${escapeHtml(subject)}</h1><p>${escapeHtml(intro)}</p>` +
      table(figures, ['Indicatore', 'Valore']) +
      `<h2 style="font-size:16px">Per coda</h2>` +
      table(queues, ['Coda', 'In coda', 'Risposte', 'Abbandonate', 'Livello di servizio']) +
      `<p style="color:#555;font-size:12px">Messaggio inviato automaticamente da Centralino. Per non riceverlo più, o per cambiare destinatari, scrivete al call center.</p>`,
  );
  return { subject, text, html, attachmentName: callReportFilename(report), attachmentCsv: callReportCsv(report) };
}

/** The quarter's statement as it would be issued now, for the supervisors who issue it. */
export function statementDraftMail(draft: { statement: SplitStatementBody; warnings: readonly StatementWarning[] }): RenderedMail {
  const s = draft.statement;
  const subject = `Bozza del prospetto ${s.period} da emettere – ${s.agency.name}`;
  const total = s.invoiceTotalCents ?? s.fee.totalCents;
  const figures: [string, string][] = [
    ['Periodo', `dal ${s.quarter.from} al ${s.quarter.to}`],
    ['Totale da fatturare', `${euros(total, s.fee.currency)}${s.fee.vatExcluded ? ' (IVA esclusa)' : ''}`],
    ['Chiamate', number(s.volumes.calls)],
    ['Risposte', number(s.volumes.answered)],
    ['E-mail', number(s.volumes.emails)],
    ['Livello di servizio', `${pct(s.kpis.serviceLevelPct)} (obiettivo ${pct(s.kpis.serviceLevelTargetPct)})`],
  ];
  const intro = `Il trimestre ${s.period} di ${s.agency.name} è chiuso: questa è la bozza del prospetto calcolata ora. Controllatela ed emettetela da Centralino, Report › Prospetti.`;
  const notes = draft.warnings.map((warning) => STATEMENT_WARNING_TEXT_IT[warning]);
  const warnings = notes.length > 0 ? ['', 'Da controllare prima di emettere:', ...notes.map((note) => `- ${note}`)] : [];
  const text = [intro, '', ...figures.map(([label, value]) => `${label}: ${value}`), ...warnings].join('\n');
  const html = page(
    subject,
    `<h1 style="font-size:20px">${escapeHtml(subject)}</h1><p>${escapeHtml(intro)}</p>` +
      table(figures, ['Voce', 'Valore']) +
      (notes.length > 0
        ? `<h2 style="font-size:16px">Da controllare prima di emettere</h2><ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`
        : ''),
  );
  return { subject, text, html, attachmentName: null, attachmentCsv: null };
}
