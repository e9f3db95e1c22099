import { z } from 'zod';
import { RETENTION_BOUNDS } from '../../domain/privacy-retention.ts';

const Agency = z.string().trim().min(1).max(64);

/**
 * A data-subject request. The identifiers travel in the body of a POST, never in a URL, so that
 * they do not end up in proxies' and servers' request logs.
 */
export const SubjectRequestBody = z
  .object({
    agency: Agency,
    phone: z.string().trim().min(3).max(40).optional(),
    email: z.string().trim().min(3).max(320).optional(),
    tenantCode: z.string().trim().min(1).max(64).optional(),
    /** Free text for the receipt, e.g. the controller's request number. Never personal data. */
    reason: z.string().trim().max(300).optional(),
  })
  .refine((body) => body.phone !== undefined || body.email !== undefined || body.tenantCode !== undefined, 'give phone, email or tenantCode');
export type SubjectRequestBody = z.infer<typeof SubjectRequestBody>;

export const AgencyExportBody = z.object({ agency: Agency });

export const AgencyDeletionBody = z.object({
  agency: Agency,
  /** The agency code again: a deletion is never one mistyped request away. */
  confirm: z.string().trim().min(1).max(64),
  /** SHA-256 (hex) of the completed export handed back to the agency. */
  exportSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the export receipt'),
});

export const RetentionBody = z.object({
  personalDataMonths: z.number().int().min(RETENTION_BOUNDS.personalDataMonths.min).max(RETENTION_BOUNDS.personalDataMonths.max),
  accessLogMonths: z.number().int().min(RETENTION_BOUNDS.accessLogMonths.min).max(RETENTION_BOUNDS.accessLogMonths.max),
});

export const RetentionRunBody = z.object({ full: z.boolean().optional() });

export const AgencyCodeParams = z.object({ code: Agency });
export const ReceiptParams = z.object({ id: z.uuid() });
export const AgencyQuery = z.object({ agency: Agency.optional() });
export const ReceiptListQuery = z.object({ agency: Agency.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });
