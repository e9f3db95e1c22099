import type { CallSavings } from '../../../src/contracts/reports.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { formatInteger } from '../format.ts';

const MONTH = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' });

type Figures = Omit<CallSavings, 'byMonth'>;

const COLUMNS: readonly { key: keyof Figures; label: string }[] = [
  { key: 'incidentReports', label: 'Aggiunte a un guasto noto' },
  { key: 'statusOnly', label: 'Bastato lo stato della richiesta' },
  { key: 'queuedCallbacksBooked', label: 'Richiamate in coda prenotate' },
  { key: 'queuedCallbacksReached', label: 'Richiamate in coda riuscite' },
  { key: 'queuedCallbacksGaveUp', label: 'Passate all’elenco richiamate' },
];

/**
 * What the platform answered without an operator (a report added to a known problem of the
 * building, the state of the caller's own request) and the queued call-backs that kept a caller's
 * place, per month: with the repeat calls beside it, the figures the agency renegotiates from.
 */
export function SavingsCard({ savings }: { savings: CallSavings }) {
  const rows: (Figures & { month: string | null })[] = [...savings.byMonth, ...(savings.byMonth.length > 1 ? [{ ...savings, month: null }] : [])];
  return (
    <section class="card" aria-labelledby="savings-title">
      <h2 id="savings-title">Risposte senza operatore e richiamate in coda</h2>
      <p class="muted small">
        Chi ha aggiunto la sua segnalazione a un guasto già noto del suo stabile, chi ha riagganciato dopo aver ascoltato lo stato della sua richiesta (su{' '}
        {formatInteger(savings.statusHeard)} che l’hanno ascoltato), e chi ha chiesto di essere richiamato senza perdere il posto in coda.
      </p>
      <TableScroll label="Risposte senza operatore e richiamate in coda per mese">
        <table>
          <thead>
            <tr>
              <th scope="col">Mese</th>
              {COLUMNS.map((column) => (
                <th scope="col" class="num" key={column.key}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.month ?? 'total'}>
                <th scope="row">{row.month ? MONTH.format(new Date(`${row.month}-01T12:00:00Z`)) : 'Totale'}</th>
                {COLUMNS.map((column) => (
                  <td class="num" key={column.key}>
                    {formatInteger(row[column.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
