/**
 * PEC (posta elettronica certificata, DPR 68/2005): the provider wraps the sender's message as
 * `postacert.eml` inside an S/MIME-signed envelope, with `daticert.xml` describing the transport.
 * Receipts (`X-Ricevuta`) carry the same `daticert.xml` and refer to the original Message-ID.
 */
export type DatiCert = Readonly<{
  /** posta-certificata, accettazione, avvenuta-consegna, errore-consegna, … */
  tipo: string | null;
  errore: string | null;
  mittente: string | null;
  destinatari: readonly string[];
  oggetto: string | null;
  identificativo: string | null;
  /** The original message's Message-ID. */
  msgid: string | null;
  gestoreEmittente: string | null;
}>;

/** PEC transport types whose envelope carries an original message to unwrap. */
export const PEC_ENVELOPE_TYPES = new Set(['posta-certificata', 'errore']);

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXmlText(value: string): string {
  return value
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(lt|gt|amp|quot|apos);/g, (_match, name: string) => XML_ENTITIES[name])
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .trim();
}

function elements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => decodeXmlText(match[1]));
}

function attribute(xml: string, element: string, name: string): string | null {
  const tag = new RegExp(`<${element}\\s[^>]*\\b${name}\\s*=\\s*"([^"]*)"`).exec(xml);
  return tag ? decodeXmlText(tag[1]) : null;
}

/**
 * Reads the few fields we use. daticert.xml is small and machine-written by the PEC providers
 * following one DTD, so a tolerant extraction is enough (no XML library, no external entities).
 */
export function parseDatiCert(xml: string): DatiCert {
  const first = (name: string) => elements(xml, name)[0] || null;
  return {
    tipo: attribute(xml, 'postacert', 'tipo'),
    errore: attribute(xml, 'postacert', 'errore'),
    mittente: first('mittente'),
    destinatari: elements(xml, 'destinatari'),
    oggetto: first('oggetto'),
    identificativo: first('identificativo'),
    msgid: first('msgid'),
    gestoreEmittente: first('gestore-emittente'),
  };
}

/** The envelope's subject is "POSTA CERTIFICATA: <original subject>"; receipts prefix theirs too. */
export function stripPecSubjectPrefix(subject: string | null): string | null {
  if (!subject) return subject;
  return subject.replace(/^\s*((POSTA CERTIFICATA|ANOMALIA MESSAGGIO)\s*:\s*)+/i, '');
}
