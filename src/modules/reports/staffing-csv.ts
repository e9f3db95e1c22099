import type { Staffing } from '../../contracts/reports.ts';
import { CSV_LINE_END } from '../../util/csv.ts';

const WEEKDAY_IT = ['', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato', 'domenica'];
const BOM = '\uFEFF';

const decimal = (value: number) => (Number.isInteger(value) ? String(value) : String(value).replace('.', ','));

/** The staffing estimate for Excel, as the call report's CSV: UTF-8 with a BOM, `;`, decimal commas, CRLF. */
export function staffingCsv(staffing: Staffing): string {
  const lines = [
    `Personale necessario;${staffing.agency ?? 'tutto il centro'}`,
    `Modello;${staffing.model.kind === 'erlang-a' ? `Erlang A, pazienza media ${staffing.model.patienceSeconds} s` : 'Erlang C'}, obiettivo ${staffing.target.pct}% entro ${staffing.target.seconds} s`,
    `Giorni;${staffing.days.from ?? ''} – ${staffing.days.to ?? ''} (${staffing.days.count}, ${staffing.season === 'heating' ? 'stagione del riscaldamento' : 'fuori stagione'})`,
    '',
    'Giorno;Dalle;Chiamate;Gestione media (s);Traffico (Erlang);Operatori necessari;Livello di servizio %;Occupazione %;Operatori collegati',
    ...staffing.slots.map((slot) =>
      [
        WEEKDAY_IT[slot.weekday],
        slot.start,
        decimal(slot.calls),
        slot.handleSeconds,
        decimal(slot.traffic),
        slot.operatorsNeeded,
        decimal(slot.serviceLevelPct),
        decimal(slot.occupancyPct),
        decimal(slot.operatorsLoggedIn),
      ].join(';'),
    ),
  ];
  return BOM + lines.join(CSV_LINE_END) + CSV_LINE_END;
}

export function staffingFilename(staffing: Staffing): string {
  return `personale-${staffing.agency ?? 'centro'}-${staffing.days.to ?? 'vuoto'}.csv`;
}
