import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { CATEGORY_TITLE_IT } from '../../domain/category-labels.ts';
import type { FeeLine, PortfolioSection, SplitStatementBody, StatementQuality } from '../../domain/statement.ts';

/**
 * The printable statement: one self-contained Italian page, rendered on the server. Every value
 * goes through `escapeHtml`; the only style is the constant sheet below, allowed by its hash in the
 * page's own Content-Security-Policy, so the page runs no script at all.
 */

const STYLE = `
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 190mm; padding: 12mm 0; }
header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid #1a1a1a; padding-bottom: 4mm; margin-bottom: 6mm; }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 7mm 0 2mm; border-bottom: 1px solid #bbb; padding-bottom: 1mm; }
.meta { text-align: right; font-size: 9.5pt; color: #444; }
.number { font-size: 11pt; font-weight: bold; color: #1a1a1a; }
.superseded { color: #a00; font-weight: bold; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; page-break-inside: avoid; }
th, td { padding: 1.2mm 2mm; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f2f2f2; font-weight: 600; }
tfoot td { font-weight: bold; border-top: 1.5px solid #1a1a1a; }
.total { font-size: 13pt; font-weight: bold; }
.notes { font-size: 8.5pt; color: #444; margin-top: 8mm; }
.notes dt { font-weight: 600; }
.notes dd { margin: 0 0 1.5mm 0; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;

export const STATEMENT_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const it = (value: number, digits = 0) => value.toLocaleString('it-IT', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const money = (cents: number | null, currency: string) =>
  cents === null ? '—' : (cents / 100).toLocaleString('it-IT', { style: 'currency', currency, minimumFractionDigits: 2 });
const pct = (value: number | null) => (value === null ? '—' : `${it(value, 1)} %`);
const seconds = (value: number | null) => (value === null ? '—' : `${it(value, 1)} s`);
const dateIt = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).setLocale('it').toFormat('d LLLL yyyy');
const monthIt = (month: string) => DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).setLocale('it').toFormat('LLLL yyyy');

const ORDINALS = ['', 'primo', 'secondo', 'terzo', 'quarto'];

function row(cells: readonly string[], tag = 'td'): string {
  return `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
}

/** Issue 17 §4: the callers' ratings as a quality figure, with the distribution that makes the mean checkable. */
function qualityHtml(quality: StatementQuality): string {
  const d = quality.distribution;
  return `
<h2>Valutazione dei chiamanti</h2>
<table>
  <tbody>
    ${row(['Chiamate valutate', escapeHtml(`${it(quality.ratedCalls)}${quality.ratedPctOfAnswered === null ? '' : ` (${pct(quality.ratedPctOfAnswered)} delle risposte)`}`)])}
    ${row(['Voto medio (da 1 a 5)', escapeHtml(quality.meanRating === null ? '—' : it(quality.meanRating, 2))])}
  </tbody>
</table>
<table>
  <thead>${row(['Voto', '1', '2', '3', '4', '5'], 'th')}</thead>
  <tbody>${row(['Chiamate', ...(['1', '2', '3', '4', '5'] as const).map((key) => escapeHtml(it(d[key])))])}</tbody>
</table>`;
}

export type PrintableStatement = Readonly<{
  id: string;
  number: string;
  version: number;
  latestVersion: number;
  issuedAt: string;
  issuedBy: { name: string };
  contractVersions: readonly { id: number; version: number; effectiveFrom: string }[];
  statement: SplitStatementBody;
}>;

/** `categoryTitles`: the agency's names of its categories; a code it no longer knows falls back to the default names, then to itself. */
export function renderStatementHtml(view: PrintableStatement, categoryTitles: Readonly<Record<string, string>> = {}): string {
  const s = view.statement;
  const e = escapeHtml;
  const [year, quarterPart] = s.period.split('-Q');
  const quarterTitle = `${ORDINALS[Number(quarterPart)] ?? quarterPart} trimestre ${year}`;
  const currency = s.fee.currency;
  const issued = DateTime.fromISO(view.issuedAt).setZone(s.parameters.timezone).setLocale('it').toFormat("d LLLL yyyy 'alle' HH:mm");
  const channel = s.volumes.byChannel;
  const partial = s.billedPeriod.days !== s.quarter.days;

  const versionOf = new Map(view.contractVersions.map((version) => [version.id, version]));
  const contractName = (contractId: number) => {
    const version = versionOf.get(contractId);
    return version ? `Contratto, versione ${version.version} in vigore dal ${dateIt(version.effectiveFrom)}` : `Contratto n. ${contractId}`;
  };
  const feeRows = (lines: readonly FeeLine[]) =>
    lines
      .map((line) =>
        row([
          e(`${contractName(line.contractId)}${line.renewed ? ' (rinnovo tacito)' : ''}`),
          e(`${dateIt(line.from)} – ${dateIt(line.to)}`),
          e(it(line.days)),
          e(money(line.annualFeeCents, currency)),
          e(money(line.amountCents, currency)),
        ]),
      )
      .join('');
  const sections = s.portfolios ?? [];
  // A portfolio billed apart: its own fee lines and the contacts they paid for.
  const sectionHtml = (section: PortfolioSection) => `
<h2>${e(`Portafoglio fatturato a parte: ${section.portfolio.name}`)}</h2>
<table>
  <thead>${row(['Contratto', 'Periodo fatturato', 'Giorni', 'Canone annuo', 'Importo'], 'th')}</thead>
  <tbody>${feeRows(section.fee.lines)}</tbody>
  <tfoot>${row(['Totale del portafoglio' + (section.fee.vatExcluded ? ' (IVA esclusa)' : ''), '', e(it(section.billedPeriod.days)), '', e(money(section.fee.totalCents, currency))])}</tfoot>
</table>
<table>
  <tbody>
    ${row(['Chiamate', e(it(section.volumes.calls))])}
    ${row(['Risposte', e(it(section.volumes.answered))])}
    ${row(['Abbandonate', e(it(section.volumes.abandoned))])}
    ${row(['E-mail', e(it(section.volumes.emails))])}
    ${row(['Livello di servizio', e(pct(section.kpis.serviceLevelPct))])}
    ${row(['Contatti gestiti (chiamate risposte + e-mail)', e(it(section.handledContacts.total))])}
    ${row(['Costo per contatto gestito', e(money(section.costPerHandledContactCents, currency))])}
  </tbody>
</table>${section.quality ? qualityHtml(section.quality) : ''}`;
  const feeLines = s.fee.lines
    .map((line) =>
      row([
        e(`${contractName(line.contractId)}${line.renewed ? ' (rinnovo tacito)' : ''}`),
        e(`${dateIt(line.from)} – ${dateIt(line.to)}`),
        e(it(line.days)),
        e(money(line.annualFeeCents, currency)),
        e(money(line.amountCents, currency)),
      ]),
    )
    .join('');

  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Rendiconto ${view.number} – ${s.agency.name}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <div>
    <h1>Rendiconto trimestrale del servizio di call center</h1>
    <div>${e(s.agency.name)} <small>(${e(s.agency.code)})</small></div>
    <div>${e(quarterTitle)}: ${e(dateIt(s.quarter.from))} – ${e(dateIt(s.quarter.to))}</div>
  </div>
  <div class="meta">
    <div class="number">Rendiconto n. ${e(view.number)}</div>
    <div>Versione ${e(view.version)}${view.version < view.latestVersion ? ` <span class="superseded">sostituita dalla versione ${e(view.latestVersion)}</span>` : ''}</div>
    <div>Emesso il ${e(issued)}</div>
    <div>da ${e(view.issuedBy.name)}</div>
  </div>
</header>

<h2>${sections.length > 0 ? 'Corrispettivo del contratto dell’ente (esclusi i portafogli fatturati a parte)' : 'Corrispettivo'}</h2>
<table>
  <thead>${row(['Contratto', 'Periodo fatturato', 'Giorni', 'Canone annuo', 'Importo'], 'th')}</thead>
  <tbody>${feeLines}</tbody>
  <tfoot>${row(['Totale del trimestre' + (s.fee.vatExcluded ? ' (IVA esclusa)' : ''), '', e(it(s.billedPeriod.days)), '', `<span class="total">${e(money(s.fee.totalCents, currency))}</span>`])}</tfoot>
</table>
<p>Canone trimestrale pieno: ${e(money(s.fee.quarterlyFeeCents, currency))} (canone annuo / 4), fatturato posticipatamente.${
    partial
      ? ` Il contratto copre ${e(it(s.billedPeriod.days))} dei ${e(it(s.quarter.days))} giorni del trimestre: l'importo è calcolato in proporzione ai giorni.`
      : ''
  }${
    s.fee.lines.length > 1
      ? ` Nel trimestre il contratto è cambiato: ogni versione fattura i propri giorni, canone annuo / 4 × giorni della versione / ${e(it(s.quarter.days))} giorni del trimestre.`
      : ''
  }</p>
<table>
  <tbody>
    ${row(['Contatti gestiti (chiamate risposte + e-mail)', e(it(s.handledContacts.total))])}
    ${row(['Costo per contatto gestito', e(money(s.costPerHandledContactCents, currency))])}
  </tbody>
</table>

${sections.map(sectionHtml).join('\n')}${
  sections.length > 0 && s.invoiceTotalCents !== undefined
    ? `
<table>
  <tbody>${row(['Totale del trimestre, ente e portafogli' + (s.fee.vatExcluded ? ' (IVA esclusa)' : ''), `<span class="total">${e(money(s.invoiceTotalCents, currency))}</span>`])}</tbody>
</table>
<p>I volumi che seguono sono quelli del contratto dell’ente, senza i portafogli fatturati a parte.</p>`
    : ''
}

<h2>Volumi per canale</h2>
<table>
  <thead>${row(['Canale', 'Contatti', 'Fuori orario', 'Risposte', 'Abbandonate', 'Abbandoni brevi', 'Livello di servizio'], 'th')}</thead>
  <tbody>
    ${row(['Numero verde', e(it(channel.numero_verde.calls)), e(it(channel.numero_verde.outOfHours)), e(it(channel.numero_verde.answered)), e(it(channel.numero_verde.abandoned)), e(it(channel.numero_verde.shortAbandoned)), e(pct(channel.numero_verde.serviceLevelPct))])}
    ${row(['Rete fissa', e(it(channel.landline.calls)), e(it(channel.landline.outOfHours)), e(it(channel.landline.answered)), e(it(channel.landline.abandoned)), e(it(channel.landline.shortAbandoned)), e(pct(channel.landline.serviceLevelPct))])}
    ${row(['E-mail', e(it(channel.email.emails)), '', '', '', '', ''])}
  </tbody>
  <tfoot>${row(['Totale chiamate', e(it(s.volumes.calls)), e(it(s.volumes.outOfHours)), e(it(s.volumes.answered)), e(it(s.volumes.abandoned)), e(it(s.volumes.shortAbandoned)), e(pct(s.kpis.serviceLevelPct))])}</tfoot>
</table>
<p>Segnalazioni aperte nel periodo: ${e(it(s.volumes.tickets))}.</p>

<h2>Volumi per coda</h2>
<table>
  <thead>${row(['Coda', 'In coda', 'Risposte', 'Abbandonate', 'Livello di servizio', 'Attesa media'], 'th')}</thead>
  <tbody>
    ${Object.entries(s.volumes.byQueue)
      .map(([category, queue]) => {
        return row([
          e(categoryTitles[category] ?? CATEGORY_TITLE_IT[category] ?? category),
          e(it(queue.queued)),
          e(it(queue.answered)),
          e(it(queue.abandoned)),
          e(pct(queue.serviceLevelPct)),
          e(seconds(queue.asaSeconds)),
        ]);
      })
      .join('\n    ')}
  </tbody>
</table>

<h2>Indicatori di servizio</h2>
<table>
  <tbody>
    ${row([e(`Livello di servizio (risposta entro ${s.parameters.serviceLevelSeconds} s)`), e(`${pct(s.kpis.serviceLevelPct)} — obiettivo ${it(s.kpis.serviceLevelTargetPct)} %${s.kpis.serviceLevelTargetMet === null ? '' : s.kpis.serviceLevelTargetMet ? ', raggiunto' : ', non raggiunto'}`)])}
    ${row(['Tasso di abbandono', e(pct(s.kpis.abandonRatePct))])}
    ${row(['Attesa media prima della risposta (ASA)', e(seconds(s.kpis.asaSeconds))])}
    ${row(['Attesa massima', e(seconds(s.kpis.maxWaitSeconds))])}
    ${row(['Durata media della conversazione', e(seconds(s.kpis.ahtSeconds))])}
  </tbody>
</table>

${s.quality ? qualityHtml(s.quality) : ''}
<h2>Andamento mensile</h2>
<table>
  <thead>${row(['Mese', 'Chiamate', 'Risposte', 'Abbandonate', 'E-mail'], 'th')}</thead>
  <tbody>
    ${s.byMonth.map((month) => row([e(monthIt(month.month)), e(it(month.calls)), e(it(month.answered)), e(it(month.abandoned)), e(it(month.emails))])).join('\n    ')}
  </tbody>
</table>

<dl class="notes">
  <dt>Definizioni</dt>
  <dd>Chiamate: tutte le chiamate in arrivo sui numeri dell'ente; fuori orario: quelle giunte a servizio chiuso. Giorni e ore nel fuso ${e(s.parameters.timezone)}, secondo l'ora di arrivo.</dd>
  <dd>Risposte: chiamate in coda passate a un operatore. Abbandonate: chiamanti che hanno riagganciato in coda dopo almeno ${e(s.parameters.shortAbandonSeconds)} s; abbandoni brevi: prima di ${e(s.parameters.shortAbandonSeconds)} s (esclusi dagli indicatori).</dd>
  <dd>Livello di servizio = risposte entro ${e(s.parameters.serviceLevelSeconds)} s / (risposte + abbandonate). Tasso di abbandono = abbandonate / (risposte + abbandonate).</dd>
  <dd>E-mail: messaggi distinti ricevuti dall'ente che hanno aperto o integrato una segnalazione. Contatti gestiti = chiamate risposte + e-mail; le segnalazioni registrate durante una telefonata non sono contate due volte.</dd>
  ${s.quality ? '<dd>Valutazione dei chiamanti: dopo una chiamata risposta, chi ha chiamato può dare un voto da 1 (per niente soddisfatto) a 5 (molto soddisfatto) con la tastiera; la media è la somma dei voti diviso il numero di chiamate valutate.</dd>' : ''}
  <dd>Il rendiconto è congelato all'emissione con i parametri indicati; una nuova emissione crea una nuova versione.</dd>
</dl>
</body>
</html>
`;
}
