import type { ErrorCode } from '../../src/domain/errors.ts';

/**
 * What each error code of the API means to the person in front of the screen, in Italian. The
 * server's own message is English and written for developers and logs ("Call CA… is not a call to
 * aler-milano"): it never reaches the screen. A `Record` over the domain's ErrorCode, so a new code
 * without an Italian text does not compile.
 */
export const ERROR_TEXT_IT: Readonly<Record<ErrorCode, string>> = {
  VALIDATION: 'Alcuni dati non sono validi: controlla i campi e riprova.',
  UNAUTHENTICATED: 'La sessione è scaduta o le credenziali non sono corrette: accedi di nuovo.',
  FORBIDDEN: 'Operazione non consentita per il tuo profilo.',
  SIGNATURE_REJECTED: 'Richiesta rifiutata: firma non valida.',
  NOT_FOUND: 'Elemento non trovato (forse non è più visibile).',
  CONFLICT: 'Operazione non più possibile: la situazione è cambiata nel frattempo. Aggiorna e riprova.',
  CATEGORY_UNKNOWN: 'Categoria non disponibile per questo ente: scegline una dall’elenco aggiornato.',
  PORTFOLIO_UNKNOWN: 'Portafoglio non presente tra quelli di questo ente: scegline uno dall’elenco aggiornato.',
  REPLAYED: 'Richiesta già ricevuta: non è stata ripetuta.',
  PRESENCE_ON_CALL: 'Non puoi andare in pausa o fuori servizio durante una chiamata: concludi prima la chiamata e l’esito.',
  PRESENCE_NOT_AVAILABLE: 'Per ricevere una chiamata devi essere «Disponibile».',
  PASSWORD_CHANGE_REQUIRED: 'Prima di continuare scegli una tua password: quella ricevuta è provvisoria.',
  REQUEST_TIMEOUT: 'La richiesta ha impiegato troppo tempo: riprova.',
  PAYLOAD_TOO_LARGE: 'Il contenuto inviato è troppo grande.',
  HEADERS_TOO_LARGE: 'La richiesta è troppo grande.',
  RATE_LIMITED: 'Troppi tentativi in poco tempo: attendi qualche minuto e riprova.',
  UNAVAILABLE: 'Servizio momentaneamente non disponibile: riprova tra poco.',
  INTERNAL: 'Errore interno del server: riprova; se si ripete, avvisa l’assistenza.',
};

/** Field names of the API's inputs as the screens call them, for "controlla il campo …". */
const FIELD_LABEL_IT: Readonly<Record<string, string>> = {
  description: 'descrizione',
  text: 'testo',
  note: 'nota',
  category: 'categoria',
  agency: 'ente',
  portfolio: 'portafoglio',
  url: 'indirizzo del webhook',
  emailTo: 'indirizzo e-mail',
  secret: 'segreto condiviso',
  subject: 'oggetto',
  phone: 'telefono',
  email: 'e-mail',
  name: 'nome',
  title: 'titolo',
  body: 'testo',
  username: 'nome utente',
  password: 'password',
  status: 'stato',
  outcome: 'esito',
  q: 'ricerca',
};

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** The Italian text of an API error from its code (or, for an unknown code, its HTTP status), naming the invalid fields. */
export function apiErrorTextIt(status: number, code: string, details?: unknown): string {
  const known = (code in ERROR_TEXT_IT ? code : BY_STATUS[status]) as ErrorCode | undefined;
  if (!known) return `Errore del server (${status}): riprova.`;
  if (known === 'VALIDATION' && Array.isArray(details)) {
    const fields = [...new Set(details.map((issue) => fieldLabel(String((issue as { path?: unknown }).path ?? ''))).filter(Boolean))];
    if (fields.length > 0) return `Alcuni dati non sono validi: controlla ${fields.length === 1 ? 'il campo' : 'i campi'} ${fields.join(', ')}.`;
  }
  return ERROR_TEXT_IT[known];
}

function fieldLabel(path: string): string {
  const last =
    path
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .at(-1) ?? '';
  return last ? `«${FIELD_LABEL_IT[last] ?? last}»` : '';
}
