import type { MailSenderWithReceipt, OutgoingMail } from '../outbox/mail-sender.ts';
import type { WebhookRequest } from './webhook-sender.ts';
import { webhookHeaders } from './webhook-sender.ts';

/** How long a test waits: an administrator is looking at the screen, unlike the retried deliveries' 10 s. */
export const WEBHOOK_TEST_TIMEOUT_MS = 5_000;
/** An SMTP conversation takes several round trips (greeting, EHLO, MAIL, RCPT, DATA). */
export const MAIL_TEST_TIMEOUT_MS = 10_000;
/** How much of the endpoint's answer the screen shows; the rest is not even read. */
export const EXCERPT_CHARS = 500;
const EXCERPT_BYTES = EXCERPT_CHARS * 4;

/** What the remote end said, in the words the screen shows. */
export type TestOutcome = Readonly<{
  ok: boolean;
  statusCode: number | null;
  excerpt: string | null;
  smtpResponse: string | null;
  summary: string;
}>;

/**
 * Posts one signed test webhook, without following redirects (like the real deliveries), and reads
 * at most the first few KiB of the answer. Never throws: a refused connection, a timeout or a TLS
 * failure is an outcome with its reason in Italian.
 */
export async function testWebhook(request: WebhookRequest, timeoutMs = WEBHOOK_TEST_TIMEOUT_MS): Promise<TestOutcome> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: webhookHeaders(request),
      body: request.body,
    });
    const excerpt = await readExcerpt(response);
    return {
      ok: response.status >= 200 && response.status < 300,
      statusCode: response.status,
      excerpt,
      smtpResponse: null,
      summary: httpSummaryIt(response.status),
    };
  } catch (error) {
    return { ok: false, statusCode: null, excerpt: null, smtpResponse: null, summary: networkFailureIt(error, timeoutMs) };
  }
}

/** The beginning of the body as text; the connection is let go after it. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off (or timed out) midway: what arrived is still worth showing.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES)).slice(0, EXCERPT_CHARS);
  return text.length > 0 ? text : null;
}

function httpSummaryIt(status: number): string {
  if (status >= 200 && status < 300) return `L’endpoint ha accettato la consegna di prova (HTTP ${status}).`;
  if (status >= 300 && status < 400)
    return `L’endpoint risponde con un reindirizzamento (HTTP ${status}): le consegne non seguono i reindirizzamenti, indica l’indirizzo finale.`;
  if (status === 401 || status === 403) return `L’endpoint ha rifiutato la consegna di prova (HTTP ${status}): controlla che usi il segreto condiviso giusto.`;
  if (status >= 400 && status < 500) return `L’endpoint ha rifiutato la consegna di prova (HTTP ${status}).`;
  return `Il server dell’ente ha risposto con un errore (HTTP ${status}): le consegne vere verrebbero ritentate.`;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** A connection that gave no answer, in Italian: fetch hides the system's code in `cause`, nodemailer in `code`. */
export function networkFailureIt(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (failure?.name === 'TimeoutError' || failure?.code === 'ETIMEDOUT') return `Nessuna risposta entro ${Math.round(timeoutMs / 1000)} secondi.`;
  const code = failure?.cause?.code ?? failure?.code ?? '';
  const detail = failure?.cause?.message ?? failure?.message ?? String(error);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(detail)) return 'Connessione rifiutata: a quell’indirizzo e porta non risponde nessun servizio.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'Nome del server sconosciuto: controlla l’indirizzo.';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'Server irraggiungibile dalla rete del centralino.';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'Il server ha chiuso la connessione senza rispondere.';
  if (TLS_CODE.test(code) || /certificate|tls|ssl/i.test(detail)) return `Connessione sicura (TLS) non riuscita: ${detail}.`;
  return `Invio non riuscito: ${detail}.`;
}

/**
 * Hands one test message to the SMTP server through the outbox's own transport and answers the
 * server's reply line, accepted or refused. Never throws.
 */
export async function testMail(send: MailSenderWithReceipt | null, message: OutgoingMail, timeoutMs = MAIL_TEST_TIMEOUT_MS): Promise<TestOutcome> {
  if (!send) {
    return {
      ok: false,
      statusCode: null,
      excerpt: null,
      smtpResponse: null,
      summary: 'Nessun server SMTP configurato (SMTP_URL): le e-mail agli enti restano in coda finché non se ne configura uno.',
    };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
  });
  try {
    const receipt = await Promise.race([send(message), timeout]);
    return { ok: true, statusCode: null, excerpt: null, smtpResponse: receipt.response, summary: 'Il server SMTP ha accettato il messaggio di prova.' };
  } catch (error) {
    const response = (error as { response?: unknown }).response;
    if (typeof response === 'string' && response.length > 0) {
      return { ok: false, statusCode: null, excerpt: null, smtpResponse: response, summary: 'Il server SMTP ha rifiutato il messaggio di prova.' };
    }
    return { ok: false, statusCode: null, excerpt: null, smtpResponse: null, summary: networkFailureIt(error, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}
