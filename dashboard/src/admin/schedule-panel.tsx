import { useEffect, useState } from 'preact/hooks';
import type { AgencyCalendar, AgencyConfig, AgencyHolidays } from '../../../src/contracts/admin.ts';
import { api, errorText, get, patch, put, query } from '../api.ts';
import { TableScroll } from '../components/table-scroll.tsx';

type Range = { opens: string; closes: string };
/** Up to two ranges a day: a morning and an afternoon shift. Empty strings are an unused shift. */
type Shifts = [Range, Range];
type HolidayChoiceMode = 'default' | 'open' | 'closed' | 'special';

const WEEKDAYS = ['Lunedì', 'Martedì', 'Mercoledì', 'Giovedì', 'Venerdì', 'Sabato', 'Domenica'];
const EMPTY: Range = { opens: '', closes: '' };
const MODE_LABEL: Record<'open' | 'closed' | 'special', string> = { open: 'aperto come di consueto', closed: 'chiuso', special: 'orario speciale' };

const agencyPath = (agency: string) => `/api/v1/admin/agencies/${encodeURIComponent(agency)}`;

function shiftsOf(ranges: readonly Range[]): Shifts {
  const sorted = [...ranges].sort((a, b) => a.opens.localeCompare(b.opens));
  return [sorted[0] ?? EMPTY, sorted[1] ?? EMPTY];
}

/** The ranges a pair of shifts means, or the Italian reason it means none. */
function rangesOf(shifts: Shifts, what: string): Range[] | string {
  const ranges: Range[] = [];
  for (const shift of shifts) {
    if (!shift.opens && !shift.closes) continue;
    if (!shift.opens || !shift.closes) return `${what}: indicare sia l'apertura sia la chiusura.`;
    if (shift.opens >= shift.closes) return `${what}: l'apertura deve precedere la chiusura.`;
    ranges.push({ opens: shift.opens, closes: shift.closes });
  }
  if (ranges.length === 2 && ranges[0].closes > ranges[1].opens) return `${what}: i due turni si sovrappongono.`;
  return ranges;
}

const short = (time: string) => time.slice(0, 5);
const rangesText = (ranges: readonly Range[]) =>
  ranges.length === 0 ? 'chiuso' : ranges.map((range) => `${short(range.opens)}–${short(range.closes)}`).join(', ');

function formatDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('it-IT', { day: 'numeric', month: 'long', timeZone: 'UTC' });
}

/** Two shifts of one day (or holiday, or exception) as four time inputs with their labels. */
function ShiftInputs({ id, label, shifts, onChange }: { id: string; label: string; shifts: Shifts; onChange: (shifts: Shifts) => void }) {
  const set = (index: 0 | 1, field: keyof Range, value: string) => {
    const next: Shifts = [{ ...shifts[0] }, { ...shifts[1] }];
    next[index][field] = value;
    onChange(next);
  };
  return (
    <div class="shift-inputs">
      {([0, 1] as const).map((index) => (
        <span class="shift" key={index}>
          <label for={`${id}-${index}-opens`}>
            <span class="sr-only">
              {label}, {index === 0 ? 'primo' : 'secondo'} turno,{' '}
            </span>
            {index === 0 ? 'dalle' : 'e dalle'}
          </label>
          <input id={`${id}-${index}-opens`} type="time" value={shifts[index].opens} onInput={(event) => set(index, 'opens', event.currentTarget.value)} />
          <label for={`${id}-${index}-closes`}>
            <span class="sr-only">
              {label}, {index === 0 ? 'primo' : 'secondo'} turno,{' '}
            </span>
            alle
          </label>
          <input id={`${id}-${index}-closes`} type="time" value={shifts[index].closes} onInput={(event) => set(index, 'closes', event.currentTarget.value)} />
        </span>
      ))}
    </div>
  );
}

/**
 * An agency's opening hours in one panel: weekly hours with split shifts, the comuni served (their
 * patron saints are holidays), the choice for each holiday of the year, dated exceptions, and the
 * next 14 days as callers will meet them. Each part is saved on its own, so editing one exception
 * never rewrites the rest.
 */
export function SchedulePanel({ agency }: { agency: string }) {
  // The year of the holidays shown: null until the server, whose clock decides what "this year" is, answers.
  const [year, setYear] = useState<number | null>(null);
  const [thisYear, setThisYear] = useState<number | null>(null);
  const [config, setConfig] = useState<AgencyConfig | null>(null);
  const [holidays, setHolidays] = useState<AgencyHolidays | null>(null);
  const [calendar, setCalendar] = useState<AgencyCalendar | null>(null);
  const [weekly, setWeekly] = useState<Shifts[]>([]);
  const [comuni, setComuni] = useState<string[]>([]);
  const [defaultMode, setDefaultMode] = useState<'open' | 'closed'>('open');
  const [choices, setChoices] = useState<Record<string, { mode: HolidayChoiceMode; shifts: Shifts }>>({});
  const [exception, setException] = useState({ date: '', closed: true, shifts: [EMPTY, EMPTY] as Shifts, note: '' });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function showConfig(next: AgencyConfig) {
    setConfig(next);
    setWeekly(WEEKDAYS.map((_, index) => shiftsOf(next.schedule.weekly.filter((range) => range.weekday === index + 1))));
    setComuni(next.comuni);
  }

  function showHolidays(next: AgencyHolidays) {
    setHolidays(next);
    setDefaultMode(next.defaultMode);
    setChoices(
      Object.fromEntries(
        next.holidays.map((holiday) => [holiday.key, { mode: holiday.explicit ? holiday.mode : 'default', shifts: shiftsOf(holiday.ranges) }]),
      ),
    );
  }

  async function reload() {
    const [nextConfig, nextHolidays, nextCalendar] = await Promise.all([
      get<AgencyConfig>(agencyPath(agency)),
      get<AgencyHolidays>(`${agencyPath(agency)}/holidays${query({ year })}`),
      get<AgencyCalendar>(`${agencyPath(agency)}/calendar?days=14`),
    ]);
    showConfig(nextConfig);
    showHolidays(nextHolidays);
    setCalendar(nextCalendar);
    setThisYear((known) => known ?? nextHolidays.year);
  }

  useEffect(() => {
    reload()
      .then(() => setError(null))
      .catch((failure) => setError(errorText(failure)));
  }, [agency, year]);

  /** Runs one save, then reloads everything the change may move (the 14 days above all). */
  async function save(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      await reload();
      setNotice(done);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  function saveWeekly(event: Event) {
    event.preventDefault();
    const ranges: { weekday: number; opens: string; closes: string }[] = [];
    for (const [index, shifts] of weekly.entries()) {
      const result = rangesOf(shifts, WEEKDAYS[index]);
      if (typeof result === 'string') return setError(result);
      ranges.push(...result.map((range) => ({ weekday: index + 1, ...range })));
    }
    void save(() => put(`${agencyPath(agency)}/schedule/weekly`, { weekly: ranges }), 'Orario settimanale salvato.');
  }

  function saveComuni(event: Event) {
    event.preventDefault();
    void save(() => patch(agencyPath(agency), { comuni }), 'Comuni serviti salvati: le feste patronali sono aggiornate.');
  }

  function saveHolidays(event: Event) {
    event.preventDefault();
    const list: { key: string; mode: 'open' | 'closed' | 'special'; ranges: Range[] }[] = [];
    for (const holiday of holidays?.holidays ?? []) {
      const choice = choices[holiday.key];
      if (!choice || choice.mode === 'default') continue;
      if (choice.mode !== 'special') {
        list.push({ key: holiday.key, mode: choice.mode, ranges: [] });
        continue;
      }
      const result = rangesOf(choice.shifts, holiday.name);
      if (typeof result === 'string') return setError(result);
      if (result.length === 0) return setError(`${holiday.name}: per l'orario speciale indicare almeno un turno.`);
      list.push({ key: holiday.key, mode: 'special', ranges: result });
    }
    void save(() => put(`${agencyPath(agency)}/holidays${query({ year })}`, { defaultMode, choices: list }), 'Scelte per le festività salvate.');
  }

  function addException(event: Event) {
    event.preventDefault();
    if (!exception.date) return setError('Indicare la data dell’eccezione.');
    const result = exception.closed ? [] : rangesOf(exception.shifts, 'Eccezione');
    if (typeof result === 'string') return setError(result);
    if (!exception.closed && result.length === 0) return setError('Indicare almeno un turno, oppure scegliere «chiuso tutto il giorno».');
    void save(
      () =>
        put(`${agencyPath(agency)}/schedule/exceptions/${exception.date}`, { ranges: result, note: exception.note.trim() || null }).then(() =>
          setException({ date: '', closed: true, shifts: [EMPTY, EMPTY], note: '' }),
        ),
      `Eccezione del ${formatDay(exception.date)} salvata.`,
    );
  }

  function removeException(date: string) {
    void save(() => api('DELETE', `${agencyPath(agency)}/schedule/exceptions/${date}`), `Eccezione del ${formatDay(date)} eliminata.`);
  }

  const defaultLabel = `come impostazione generale (${defaultMode === 'closed' ? 'chiuso' : 'aperto'})`;

  return (
    <div class="schedule-panel">
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="notice" role="status">
        {notice ?? ''}
      </p>

      <section class="card" aria-labelledby="schedule-next-days">
        <h3 id="schedule-next-days">Prossimi 14 giorni, come li troveranno i chiamanti</h3>
        {calendar ? (
          <TableScroll label="Prossimi 14 giorni">
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">Giorno</th>
                  <th scope="col">Orario</th>
                  <th scope="col">Perché</th>
                </tr>
              </thead>
              <tbody>
                {calendar.days.map((day) => (
                  <tr key={day.date}>
                    <th scope="row">
                      {day.weekdayName} {formatDay(day.date)}
                    </th>
                    <td>{rangesText(day.ranges)}</td>
                    <td>
                      {day.reason.kind === 'holiday'
                        ? `${day.reason.label} (${day.reason.mode ? MODE_LABEL[day.reason.mode] : ''})`
                        : day.reason.kind === 'exception'
                          ? `Eccezione${day.reason.label ? `: ${day.reason.label}` : ''}`
                          : 'Orario settimanale'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : (
          <p class="muted">Caricamento…</p>
        )}
      </section>

      <form class="card" aria-labelledby="schedule-weekly" onSubmit={saveWeekly}>
        <h3 id="schedule-weekly">Orario settimanale</h3>
        <p class="muted small">Fino a due turni al giorno (mattina e pomeriggio). Un giorno senza turni è chiuso.</p>
        {weekly.map((shifts, index) => (
          <fieldset class="schedule-day" key={WEEKDAYS[index]}>
            <legend>{WEEKDAYS[index]}</legend>
            <ShiftInputs
              id={`weekly-${index + 1}`}
              label={WEEKDAYS[index]}
              shifts={shifts}
              onChange={(next) => setWeekly(weekly.map((current, other) => (other === index ? next : current)))}
            />
          </fieldset>
        ))}
        <button type="submit" class="button" disabled={busy || !config}>
          Salva l’orario settimanale
        </button>
      </form>

      <form class="card" aria-labelledby="schedule-comuni" onSubmit={saveComuni}>
        <h3 id="schedule-comuni">Comuni serviti</h3>
        <p class="muted small">La festa del santo patrono di ogni comune servito è una festività dell’ente.</p>
        {/* Not while a save reloads the panel: the reload would undo a box ticked meanwhile. */}
        <fieldset class="comuni" disabled={busy}>
          <legend class="sr-only">Comuni serviti</legend>
          {(holidays?.comuni ?? []).map((entry) => (
            <label key={entry.comune}>
              <input
                type="checkbox"
                checked={comuni.includes(entry.comune)}
                onChange={(event) => setComuni(event.currentTarget.checked ? [...comuni, entry.comune] : comuni.filter((comune) => comune !== entry.comune))}
              />{' '}
              {entry.name} <span class="muted small">({entry.saint})</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" class="button" disabled={busy || !config}>
          Salva i comuni serviti
        </button>
      </form>

      <form class="card" aria-labelledby="schedule-holidays" onSubmit={saveHolidays}>
        <h3 id="schedule-holidays">Festività del {holidays?.year ?? '…'}</h3>
        <div class="holiday-controls">
          {thisYear === null ? null : (
            <label>
              Anno{' '}
              <select value={String(holidays?.year ?? '')} onChange={(event) => setYear(Number(event.currentTarget.value))}>
                {[0, 1].map((offset) => {
                  const value = thisYear + offset;
                  return (
                    <option key={value} value={String(value)}>
                      {value}
                    </option>
                  );
                })}
              </select>
            </label>
          )}
          <label>
            Nelle festività, salvo scelta diversa{' '}
            <select value={defaultMode} onChange={(event) => setDefaultMode(event.currentTarget.value as 'open' | 'closed')}>
              <option value="closed">chiuso</option>
              <option value="open">aperto come di consueto</option>
            </select>
          </label>
        </div>
        <ul class="holiday-list">
          {(holidays?.holidays ?? []).map((holiday) => {
            const choice = choices[holiday.key] ?? { mode: 'default', shifts: [EMPTY, EMPTY] };
            const id = `holiday-${holiday.key.replace(/[^a-z0-9]/g, '-')}`;
            return (
              <li key={holiday.key}>
                <label for={id}>
                  <span class="strong">{holiday.name}</span> <span class="muted small">{formatDay(holiday.date)}</span>
                </label>
                <select
                  id={id}
                  value={choice.mode}
                  onChange={(event) => setChoices({ ...choices, [holiday.key]: { ...choice, mode: event.currentTarget.value as HolidayChoiceMode } })}
                >
                  <option value="default">{defaultLabel}</option>
                  <option value="open">aperto come di consueto</option>
                  <option value="closed">chiuso</option>
                  <option value="special">orario speciale</option>
                </select>
                {choice.mode === 'special' ? (
                  <ShiftInputs
                    id={`${id}-hours`}
                    label={holiday.name}
                    shifts={choice.shifts}
                    onChange={(shifts) => setChoices({ ...choices, [holiday.key]: { ...choice, shifts } })}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
        <button type="submit" class="button" disabled={busy || !holidays}>
          Salva le festività
        </button>
      </form>

      <section class="card" aria-labelledby="schedule-exceptions">
        <h3 id="schedule-exceptions">Eccezioni</h3>
        {config && config.schedule.exceptions.length > 0 ? (
          <ul class="exception-list">
            {config.schedule.exceptions.map((entry) => (
              <li key={entry.date}>
                <span>
                  <span class="strong">{formatDay(entry.date)}</span> {entry.date.slice(0, 4)}: {rangesText(entry.ranges)}
                  {entry.note ? ` — ${entry.note}` : ''}
                </span>
                <button type="button" class="button" disabled={busy} onClick={() => removeException(entry.date)}>
                  Elimina<span class="sr-only"> l’eccezione del {formatDay(entry.date)}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Nessuna eccezione.</p>
        )}
        <form class="exception-form" aria-label="Aggiungi un’eccezione" onSubmit={addException}>
          <label>
            Data <input type="date" value={exception.date} onInput={(event) => setException({ ...exception, date: event.currentTarget.value })} />
          </label>
          <label>
            <input type="checkbox" checked={exception.closed} onChange={(event) => setException({ ...exception, closed: event.currentTarget.checked })} />{' '}
            chiuso tutto il giorno
          </label>
          {exception.closed ? null : (
            <ShiftInputs id="exception-hours" label="Eccezione" shifts={exception.shifts} onChange={(shifts) => setException({ ...exception, shifts })} />
          )}
          <label>
            Nota <input value={exception.note} maxLength={200} onInput={(event) => setException({ ...exception, note: event.currentTarget.value })} />
          </label>
          <button type="submit" class="button" disabled={busy || !config}>
            Aggiungi l’eccezione
          </button>
        </form>
      </section>
    </div>
  );
}
