import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';

/** Postmark's inbound JSON: only the fields we read; Postmark adds fields over time and they are ignored. */
const PostmarkAddress = z.object({ Email: z.string().optional().default(''), Name: z.string().optional().nullable() }).loose();
export const PostmarkInbound = z
  .object({
    From: z.string().optional().default(''),
    FromFull: PostmarkAddress.optional(),
    To: z.string().optional().default(''),
    ToFull: z.array(PostmarkAddress).optional().default([]),
    Cc: z.string().optional().default(''),
    CcFull: z.array(PostmarkAddress).optional().default([]),
    OriginalRecipient: z.string().optional().default(''),
    ReplyTo: z.string().optional().default(''),
    Subject: z.string().optional().default(''),
    MessageID: z.string().optional().default(''),
    Date: z.string().optional().default(''),
    TextBody: z.string().optional().nullable(),
    HtmlBody: z.string().optional().nullable(),
    Headers: z
      .array(z.object({ Name: z.string(), Value: z.string() }))
      .optional()
      .default([]),
    Attachments: z
      .array(
        z
          .object({
            Name: z.string().optional().default(''),
            Content: z.string().default(''),
            ContentType: z.string().optional().default('application/octet-stream'),
            ContentID: z.string().optional().nullable(),
          })
          .loose(),
      )
      .optional()
      .default([]),
    /** Present only when "Include raw email content in JSON payload" is enabled on the server. */
    RawEmail: z.string().optional().nullable(),
  })
  .loose();
export type PostmarkInbound = z.infer<typeof PostmarkInbound>;

/** Headers MailComposer writes itself from the structured fields. */
const COMPOSED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'reply-to',
]);

/**
 * The pipeline's input from Postmark's JSON: the raw message when Postmark sends it, otherwise a
 * MIME message rebuilt from its fields (threading and loop headers are kept from `Headers`).
 */
export async function rawFromPostmark(payload: PostmarkInbound): Promise<{ raw: Buffer; envelopeTo: string[] }> {
  const envelopeTo = [payload.OriginalRecipient, ...payload.ToFull.map((to) => to.Email), ...payload.CcFull.map((cc) => cc.Email)].filter(Boolean);
  if (payload.RawEmail) return { raw: Buffer.from(payload.RawEmail, 'utf8'), envelopeTo };

  const headerValue = (name: string) => payload.Headers.find((header) => header.Name.toLowerCase() === name)?.Value;
  const extraHeaders = payload.Headers.filter((header) => !COMPOSED_HEADERS.has(header.Name.toLowerCase())).map((header) => ({
    key: header.Name,
    value: header.Value,
  }));
  const messageId = headerValue('message-id') ?? (payload.MessageID ? `<${payload.MessageID}@inbound.postmarkapp.com>` : undefined);
  const date = new Date(payload.Date);
  const composer = new MailComposer({
    from: payload.FromFull?.Email ? { address: payload.FromFull.Email, name: payload.FromFull.Name ?? '' } : payload.From || undefined,
    to: payload.To || undefined,
    cc: payload.Cc || undefined,
    replyTo: payload.ReplyTo || undefined,
    subject: payload.Subject,
    messageId,
    date: Number.isNaN(date.getTime()) ? undefined : date,
    text: payload.TextBody ?? undefined,
    html: payload.HtmlBody ?? undefined,
    headers: extraHeaders,
    attachments: payload.Attachments.map((attachment) => ({
      filename: attachment.Name || undefined,
      content: Buffer.from(attachment.Content, 'base64'),
      contentType: attachment.ContentType,
      ...(attachment.ContentID ? { cid: attachment.ContentID.replace(/^<|>$/g, '') } : {}),
    })),
  });
  return { raw: await composer.compile().build(), envelopeTo };
}
