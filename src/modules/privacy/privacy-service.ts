import type { Clock } from '../../domain/clock.ts';
import type { SubjectQuery } from '../../domain/privacy-keys.ts';
import type { Database } from '../../db/client.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { createAgencyDataService } from './agency-data-service.ts';
import { createPrivacyContext } from './privacy-context.ts';
import { createReceiptsService } from './receipts-service.ts';
import { createRetentionService } from './retention-service.ts';
import { createSubjectRequestService } from './subject-requests-service.ts';

export type { RetentionOutcome } from './retention-service.ts';

export type PrivacyLog = Readonly<{ info(data: object, message: string): void; error(data: object, message: string): void }>;

/** The e-mail module's side: messages and attachments are stored as chunked blobs it owns. */
export type PrivacyEmailBytes = Readonly<{
  /** A stored message or attachment, whole. */
  load(blobId: string): Promise<Buffer>;
  /** Deletes the chunks of blobs whose rows were deleted (erasure, retention). */
  removeDropped(): Promise<unknown>;
}>;

export type PrivacyServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  accessLog: AccessLog;
  emailBytes: PrivacyEmailBytes;
  log: PrivacyLog;
}>;

export type PrivacyService = ReturnType<typeof createPrivacyService>;

export type SubjectRequest = SubjectQuery & Readonly<{ agency: string; reason?: string }>;
export type RequestContext = Readonly<{ requestId?: string }>;

/**
 * GDPR duties of the call center as processor (art. 28) towards each agency, the controller:
 * retention, data-subject export and erasure, the full export and the end-of-contract deletion,
 * each recorded in a receipt that outlives the data it is about. One service made of one part per
 * duty (retention-, subject-requests-, agency-data- and receipts-service.ts).
 *
 * Who may do what: supervisors and administrators act for the agencies they serve
 * (administrators for every agency) on data-subject requests; the agency's own users and API
 * tokens for their agency; operators never. The full export is for administrators and the
 * agency; the deletion and the retention periods for administrators only.
 */
export function createPrivacyService(deps: PrivacyServiceDeps) {
  const context = createPrivacyContext(deps);
  return {
    ...createRetentionService(deps, context),
    ...createSubjectRequestService(deps, context),
    ...createAgencyDataService(deps, context),
    ...createReceiptsService(deps, context),
  };
}
