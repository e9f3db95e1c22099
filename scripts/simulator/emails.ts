import { createHmac, randomBytes } from 'node:crypto';
import type { Rng } from './rng.ts';

const ADDRESSES = ['segnalazioni@aler-milano.example', 'callcenter@aler-pavia-lodi.example', 'patrimonio-comunale@aler-pavia-lodi.example'];

const REQUESTS = [
  { subject: 'Caldaia guasta', body: 'Buongiorno, la caldaia del mio appartamento non si accende da ieri sera e non abbiamo acqua calda.' },
  { subject: 'Termosifoni freddi', body: 'Salve, i termosifoni della scala B sono freddi da tre giorni. Il riscaldamento non funziona.' },
  { subject: "Perdita d'acqua dal soffitto", body: "Gentili signori, c'è una perdita d'acqua dal soffitto del bagno, probabilmente dal piano di sopra." },
  { subject: 'Ascensore fermo', body: "L'ascensore del civico 12 è fermo da lunedì; ci sono anziani al sesto piano." },
  { subject: 'Infiltrazione in cantina', body: "Segnalo un'infiltrazione d'acqua nella cantina numero 4 dopo le piogge." },
  { subject: 'Richiesta copia contratto', body: "Buongiorno, vorrei ricevere una copia del mio contratto di locazione e il dettaglio dell'ultimo bollettino." },
  { subject: 'Cambio intestazione utenze', body: 'Vorrei sapere quali documenti servono per il cambio di intestazione dopo il decesso di mio padre.' },
];

const NAMES = ['Maria Rossi', 'Giuseppe Bianchi', 'Anna Colombo', 'Luca Ferrari', 'Giulia Ricci', 'Francesca Marino', 'Paolo Greco'];

/** A plain tenant e-mail in the shape Italian webmail clients send (UTF-8, quoted-printable). */
export function tenantEmail(rng: Rng, replyTo?: { ref: string; messageId: string; to: string }): { raw: Buffer; to: string } {
  const name = rng.pick(NAMES);
  const local = name.toLowerCase().replace(' ', '.');
  const to = replyTo?.to ?? rng.pick(ADDRESSES);
  const request = rng.pick(REQUESTS);
  const messageId = `<${randomBytes(8).toString('hex')}@mail.simulatore.example>`;
  const subject = replyTo ? `Re: [${replyTo.ref}] ${request.subject}` : request.subject;
  const body = replyTo ? 'Buongiorno, vi scrivo di nuovo perché il problema non è ancora risolto. Grazie.' : `${request.body}\n\nCordiali saluti,\n${name}`;
  const headers = [
    `From: ${name} <${local}@posta.example>`,
    `To: ${to}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    ...(replyTo ? [`In-Reply-To: ${replyTo.messageId}`, `References: ${replyTo.messageId}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return { raw: Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`, 'utf8'), to };
}

/** CONTRACT §5: `X-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export async function postEmail(url: string, secret: string, raw: Buffer, envelopeTo: string) {
  const signature = createHmac('sha256', secret).update(raw).digest('hex');
  const response = await fetch(`${url}/webhooks/email/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', 'x-signature-256': `sha256=${signature}`, 'x-envelope-to': envelopeTo },
    body: new Uint8Array(raw),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: { status?: string; ticket?: string | null } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: counted as refused below.
  }
  return { status: response.status, outcome: json.status ?? null, ticket: json.ticket ?? null };
}
