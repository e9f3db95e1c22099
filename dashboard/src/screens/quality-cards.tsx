import type { CallRatings, RatingFiguresView, RepeatCalls } from '../../../src/contracts/reports.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { formatInteger, formatPct } from '../format.ts';

const RATING_KEYS = ['1', '2', '3', '4', '5'] as const;
const mean = new Intl.NumberFormat('it-IT', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const MONTH = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "novembre 2026" from "2026-11". */
const monthName = (month: string) => MONTH.format(new Date(`${month}-01T12:00:00Z`));
const formatMean = (value: number | null) => (value === null ? '—' : mean.format(value));

function RatingCells({ row }: { row: RatingFiguresView }) {
  return (
    <>
      <td class="num">{formatInteger(row.count)}</td>
      <td class="num strong">{formatMean(row.mean)}</td>
      {RATING_KEYS.map((key) => (
        <td class="num" key={key}>
          {formatInteger(row.distribution[key])}
        </td>
      ))}
    </>
  );
}

function RatingHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col" class="num">
          Valutazioni
        </th>
        <th scope="col" class="num">
          Media
        </th>
        {RATING_KEYS.map((key) => (
          <th scope="col" class="num" key={key}>
            Voto {key}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * Issue 17 §4 and §5 on the report screen: what callers said of the service after an answered call
 * (per queue and month), and how many calls were the same number calling again within the week.
 */
export function QualityCards({ ratings, repeatCalls }: { ratings?: CallRatings; repeatCalls?: RepeatCalls }) {
  return (
    <div class="report-grid">
      {ratings ? (
        <section class="card" aria-labelledby="ratings-title">
          <h2 id="ratings-title">Valutazioni dopo la chiamata</h2>
          {ratings.count === 0 ? (
            <p class="muted small">Nessuna valutazione nel periodo. Le chiede l’ente che la attiva nei testi vocali dell’amministrazione.</p>
          ) : null}
          <TableScroll label="Valutazioni dopo la chiamata">
            <table>
              <RatingHead first="Coda" />
              <tbody>
                <tr>
                  <th scope="row">Totale</th>
                  <RatingCells row={ratings} />
                </tr>
                {ratings.byQueue.map((row) => (
                  <tr key={row.queue}>
                    <th scope="row">{row.label}</th>
                    <RatingCells row={row} />
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {ratings.byMonth.length > 1 ? (
            <TableScroll label="Valutazioni per mese">
              <table>
                <RatingHead first="Mese" />
                <tbody>
                  {ratings.byMonth.map((row) => (
                    <tr key={row.month}>
                      <th scope="row">{monthName(row.month)}</th>
                      <RatingCells row={row} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
        </section>
      ) : null}
      {repeatCalls ? (
        <section class="card" aria-labelledby="repeat-title">
          <h2 id="repeat-title">Chiamate ripetute</h2>
          <p class="muted small">Stesso numero, stesso ente, entro {repeatCalls.windowDays} giorni dalla chiamata precedente.</p>
          <TableScroll label="Chiamate ripetute">
            <table>
              <thead>
                <tr>
                  <th scope="col">Mese</th>
                  <th scope="col" class="num">
                    Chiamate con numero
                  </th>
                  <th scope="col" class="num">
                    Ripetute
                  </th>
                  <th scope="col" class="num">
                    Quota
                  </th>
                </tr>
              </thead>
              <tbody>
                {repeatCalls.byMonth.map((row) => (
                  <tr key={row.month}>
                    <th scope="row">{monthName(row.month)}</th>
                    <td class="num">{formatInteger(row.callsWithNumber)}</td>
                    <td class="num strong">{formatInteger(row.repeatCalls)}</td>
                    <td class="num">{formatPct(share(row.repeatCalls, row.callsWithNumber))}</td>
                  </tr>
                ))}
                {repeatCalls.byMonth.length > 1 ? (
                  <tr>
                    <th scope="row">Totale</th>
                    <td class="num">{formatInteger(repeatCalls.callsWithNumber)}</td>
                    <td class="num strong">{formatInteger(repeatCalls.repeatCalls)}</td>
                    <td class="num">{formatPct(share(repeatCalls.repeatCalls, repeatCalls.callsWithNumber))}</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ) : null}
    </div>
  );
}

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);
