import { z } from 'zod';
import { Instant, itemsOf } from './common.ts';

/** How long an agency's personal data and processor access log are kept. */
export const RetentionSetting = z.strictObject({
  agency: z.string(),
  personalDataMonths: z.number(),
  accessLogMonths: z.number(),
  /** No setting of its own: the platform's defaults. */
  isDefault: z.boolean(),
  lastRetentionAt: Instant.nullable(),
  lastRetentionCutoff: Instant.nullable(),
});
export type RetentionSetting = z.infer<typeof RetentionSetting>;

export const RetentionSettingList = itemsOf(RetentionSetting);

/** One agency's part of a retention pass run now. */
export const RetentionRun = itemsOf(
  z.strictObject({
    agency: z.string(),
    cutoff: Instant,
    accessLogCutoff: Instant,
    counts: z.record(z.string(), z.number()),
    skipped: z.boolean(),
    receiptId: z.string().nullable(),
  }),
);

/**
 * What was done with an agency's personal data (an export, an erasure, an end-of-contract deletion,
 * a retention pass): rows per table, the export's SHA-256, the subject masked.
 */
export const PrivacyReceipt = z.strictObject({
  id: z.string(),
  kind: z.string(),
  agency: z.string(),
  status: z.string(),
  requestedAt: Instant,
  completedAt: Instant.nullable(),
  actor: z.strictObject({ kind: z.string(), id: z.string(), name: z.string(), role: z.string() }),
  /** The person concerned, masked (phones, e-mails, tenant codes), or null. */
  subject: z.record(z.string(), z.array(z.string())).nullable(),
  /** Rows per table; null while the work has not completed. */
  counts: z.record(z.string(), z.number()).nullable(),
  sha256: z.string().nullable(),
  byteSize: z.number().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type PrivacyReceipt = z.infer<typeof PrivacyReceipt>;

export const PrivacyReceiptList = itemsOf(PrivacyReceipt);

/** Every record of an agency about one person, table by table (GDPR art. 15). */
export const SubjectExport = z.strictObject({
  format: z.string(),
  agency: z.string(),
  generatedAt: Instant,
  subject: z.strictObject({ phones: z.array(z.string()), emails: z.array(z.string()), tenantCodes: z.array(z.string()) }),
  counts: z.record(z.string(), z.number()),
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});
