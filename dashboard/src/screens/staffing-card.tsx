import { useEffect, useState } from 'preact/hooks';
import type { Staffing } from '../../../src/contracts/reports.ts';
import { errorText, get, query } from '../api.ts';
import { BarChart } from '../components/charts.tsx';
import { TableScroll } from '../components/table-scroll.tsx';
import { formatInteger } from '../format.ts';

const WEEKDAYS = ['Lunedì', 'Martedì', 'Mercoledì', 'Giovedì', 'Venerdì', 'Sabato', 'Domenica'];
const SEASONS = [
  { value: 'current', label: 'la stagione di oggi' },
  { value: 'heating', label: 'stagione del riscaldamento' },
  { value: 'other', label: 'fuori stagione' },
] as const;

const decimal = (value: number, digits = 1) => value.toLocaleString('it-IT', { maximumFractionDigits: digits });

/**
 * How many operators each half-hour needs (Erlang A, or C when patience is unknown) against those who were logged in, for one
 * agency or the whole center, with the model and its assumptions stated on the page.
 */
export function StaffingCard({ agency, agencyNames }: { agency: string; agencyNames: Record<string, string> }) {
  const [scope, setScope] = useState<'agency' | 'center'>('agency');
  const [season, setSeason] = useState<(typeof SEASONS)[number]['value']>('current');
  const [weekday, setWeekday] = useState(1);
  const [staffing, setStaffing] = useState<Staffing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const params = { agency: scope === 'agency' ? agency : undefined, weeks: 8, season };
  const url = `/api/v1/reports/staffing${query(params)}`;
  useEffect(() => {
    setStaffing(null);
    setError(null);
    get<Staffing>(url)
      .then(setStaffing)
      .catch((failure) => setError(errorText(failure)));
  }, [url]);

  const day = staffing?.slots.filter((slot) => slot.weekday === weekday) ?? [];
  // The half-hours with something to say: calls to answer or operators logged in.
  const shown = day.filter((slot) => slot.calls > 0 || slot.operatorsLoggedIn > 0);
  const first = shown.length > 0 ? day.indexOf(shown[0]) : -1;
  const last = shown.length > 0 ? day.indexOf(shown[shown.length - 1]) : -1;
  const hours = first >= 0 ? day.slice(first, last + 1) : [];

  return (
    <section class="card staffing" aria-labelledby="staffing-title">
      <h2 id="staffing-title">Personale necessario per mezz’ora</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Per
          <select value={scope} onChange={(event) => setScope(event.currentTarget.value as 'agency' | 'center')}>
            <option value="agency">{agencyNames[agency] ?? agency}</option>
            <option value="center">tutto il centro (un solo gruppo di operatori)</option>
          </select>
        </label>
        <label>
          Dati di
          <select value={season} onChange={(event) => setSeason(event.currentTarget.value as typeof season)}>
            {SEASONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Giorno
          <select value={weekday} onChange={(event) => setWeekday(Number(event.currentTarget.value))}>
            {WEEKDAYS.map((name, index) => (
              <option key={name} value={index + 1}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <a class="button ghost" href={`/api/v1/reports/staffing${query({ ...params, format: 'csv' })}`} download>
          Scarica CSV del personale
        </a>
      </form>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {staffing === null && !error ? <p class="muted">Calcolo del personale…</p> : null}
      {staffing ? (
        <>
          <p class="small muted" data-testid="staffing-basis">
            Dalle chiamate dei {formatInteger(staffing.days.count)} giorni più recenti{' '}
            {staffing.season === 'heating' ? 'della stagione del riscaldamento' : 'fuori dalla stagione del riscaldamento'} (dal{' '}
            {staffing.days.from?.split('-').reverse().join('/')} al {staffing.days.to?.split('-').reverse().join('/')}); obiettivo {staffing.target.pct}% delle
            risposte entro {staffing.target.seconds} s; gestione media {staffing.handleSeconds === null ? '—' : `${staffing.handleSeconds} s`} (conversazione
            più {staffing.wrapUpSeconds} s di post-chiamata).
          </p>
          {hours.length === 0 ? (
            <p class="empty">Nessuna chiamata in questo giorno nei dati scelti: prova un altro giorno o un’altra stagione.</p>
          ) : (
            <>
              <BarChart
                labels={hours.map((slot) => slot.start)}
                series={[
                  { label: 'Operatori necessari', values: hours.map((slot) => slot.operatorsNeeded), color: '#1f5fbf' },
                  { label: 'Operatori collegati', values: hours.map((slot) => slot.operatorsLoggedIn), color: '#c62828' },
                ]}
                xLabel="Fascia"
              />
              <TableScroll label="Personale per mezz’ora">
                <table class="compact" data-testid="staffing-table">
                  <thead>
                    <tr>
                      <th scope="col">Dalle</th>
                      <th scope="col" class="num">
                        Chiamate
                      </th>
                      <th scope="col" class="num">
                        Gestione (s)
                      </th>
                      <th scope="col" class="num">
                        Necessari
                      </th>
                      <th scope="col" class="num">
                        Collegati
                      </th>
                      <th scope="col" class="num">
                        Liv. servizio
                      </th>
                      <th scope="col" class="num">
                        Occupazione
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {hours.map((slot) => (
                      <tr key={slot.start} class={slot.operatorsLoggedIn < slot.operatorsNeeded ? 'short' : undefined}>
                        <th scope="row">{slot.start}</th>
                        <td class="num">{decimal(slot.calls)}</td>
                        <td class="num">{slot.handleSeconds}</td>
                        <td class="num strong">{slot.operatorsNeeded}</td>
                        <td class="num">
                          {decimal(slot.operatorsLoggedIn)}
                          {slot.operatorsLoggedIn < slot.operatorsNeeded ? <span class="sr-only"> (meno del necessario)</span> : null}
                        </td>
                        <td class="num">{decimal(slot.serviceLevelPct)}%</td>
                        <td class="num">{decimal(slot.occupancyPct)}%</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </>
          )}
          <p class="small" data-testid="staffing-model">
            {staffing.model.kind === 'erlang-a'
              ? `Modello: Erlang A, con chi riaggancia. Pazienza media dei chiamanti ${staffing.model.patienceSeconds} s, stimata da ${formatInteger(staffing.model.abandonedCalls)} chiamate abbandonate in questi giorni.`
              : `Modello: Erlang C, senza chi riaggancia (in questi giorni solo ${formatInteger(staffing.model.abandonedCalls)} chiamate abbandonate: troppo poche per stimare la pazienza).`}
          </p>
          <details class="model">
            <summary>Come si calcola (modello e ipotesi)</summary>
            <p>
              Per ogni mezz’ora: le chiamate entrate in coda in media nei giorni scelti dello stesso giorno della settimana, la durata media di conversazione
              più il post-chiamata, e il numero minimo di operatori con cui la quota richiesta di chiamate riceve risposta entro l’attesa obiettivo. Ipotesi:
              chiamate in arrivo a caso (Poisson), durate esponenziali, ogni operatore risponde a tutte le code, in ordine di arrivo.
            </p>
            <p>
              Erlang A tiene conto di chi riaggancia: ogni chiamante attende per un tempo casuale (esponenziale) di media pari alla pazienza stimata, cioè i
              secondi di attesa di tutte le chiamate in coda divisi per quelle abbandonate. La quota è calcolata su tutte le chiamate arrivate, comprese quelle
              abbandonate. Con meno di 20 abbandoni nei giorni scelti la pazienza non è nota e si usa Erlang C, dove nessuno riaggancia: un numero prudente.
            </p>
            <p>
              I collegati sono gli operatori non «Non in servizio» a metà della mezz’ora, in media sugli stessi giorni. Le mezz’ore con meno collegati del
              necessario sono evidenziate.
            </p>
          </details>
        </>
      ) : null}
    </section>
  );
}
