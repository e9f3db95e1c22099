/**
 * The patron saint's day of each comune the platform knows, as data: the day is a local holiday in
 * that comune (offices of the Comune, and often the agencies serving it, close), and no library
 * carries it. Only dates we are sure of are listed; a comune missing here is added with its saint,
 * or an agency closes on the day with a dated exception. Legnano (San Magno / Palio in May) is left
 * out on purpose: its civic holiday is not one fixed date we could vouch for.
 *
 * The key (`sesto-san-giovanni`) is what agencies store in their list of comuni served and what the
 * holiday key `patron:<comune>` is built from, so it never changes once published.
 */
export type PatronSaint = Readonly<{
  /** The comune's key: lower-case, dashes, no accents. */
  comune: string;
  /** The comune's name as people write it. */
  name: string;
  /** MM-DD, every year. */
  date: string;
  saint: string;
}>;

export const PATRON_SAINTS: readonly PatronSaint[] = [
  { comune: 'bari', name: 'Bari', date: '12-06', saint: 'San Nicola' },
  { comune: 'bergamo', name: 'Bergamo', date: '08-26', saint: "Sant'Alessandro" },
  { comune: 'bologna', name: 'Bologna', date: '10-04', saint: 'San Petronio' },
  { comune: 'brescia', name: 'Brescia', date: '02-15', saint: 'Santi Faustino e Giovita' },
  { comune: 'cagliari', name: 'Cagliari', date: '10-30', saint: 'San Saturnino' },
  { comune: 'como', name: 'Como', date: '08-31', saint: "Sant'Abbondio" },
  { comune: 'cremona', name: 'Cremona', date: '11-13', saint: "Sant'Omobono" },
  { comune: 'firenze', name: 'Firenze', date: '06-24', saint: 'San Giovanni Battista' },
  { comune: 'genova', name: 'Genova', date: '06-24', saint: 'San Giovanni Battista' },
  { comune: 'lecco', name: 'Lecco', date: '12-06', saint: 'San Nicolò' },
  { comune: 'lodi', name: 'Lodi', date: '01-19', saint: 'San Bassiano' },
  { comune: 'mantova', name: 'Mantova', date: '03-18', saint: "Sant'Anselmo" },
  { comune: 'milano', name: 'Milano', date: '12-07', saint: "Sant'Ambrogio" },
  { comune: 'modena', name: 'Modena', date: '01-31', saint: 'San Geminiano' },
  { comune: 'monza', name: 'Monza', date: '06-24', saint: 'San Giovanni Battista' },
  { comune: 'napoli', name: 'Napoli', date: '09-19', saint: 'San Gennaro' },
  { comune: 'palermo', name: 'Palermo', date: '07-15', saint: 'Santa Rosalia' },
  { comune: 'parma', name: 'Parma', date: '01-13', saint: "Sant'Ilario" },
  { comune: 'pavia', name: 'Pavia', date: '12-09', saint: 'San Siro' },
  { comune: 'roma', name: 'Roma', date: '06-29', saint: 'Santi Pietro e Paolo' },
  { comune: 'sesto-san-giovanni', name: 'Sesto San Giovanni', date: '06-24', saint: 'San Giovanni Battista' },
  { comune: 'sondrio', name: 'Sondrio', date: '06-19', saint: 'Santi Gervasio e Protasio' },
  { comune: 'torino', name: 'Torino', date: '06-24', saint: 'San Giovanni Battista' },
  { comune: 'trieste', name: 'Trieste', date: '11-03', saint: 'San Giusto' },
  { comune: 'varese', name: 'Varese', date: '05-08', saint: 'San Vittore' },
  { comune: 'venezia', name: 'Venezia', date: '04-25', saint: 'San Marco' },
];

const BY_COMUNE = new Map(PATRON_SAINTS.map((entry) => [entry.comune, entry]));

export function patronSaintOf(comune: string): PatronSaint | undefined {
  return BY_COMUNE.get(comune);
}
