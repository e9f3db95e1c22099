import type { Actor, Role } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import type { PrivacyReceipt } from '../../domain/privacy-receipt.ts';
import { agencyNames, describeTables } from './agency-rows-repo.ts';
import type { TableInfo } from './agency-rows-repo.ts';
import type { ReceiptRow } from './receipts-repo.ts';
import type { PrivacyServiceDeps } from './privacy-service.ts';

export type PrivacyContext = ReturnType<typeof createPrivacyContext>;

/** What every privacy duty shares: who may act for an agency, the live schema, receipts as the API shows them, the access log. */
export function createPrivacyContext(deps: PrivacyServiceDeps) {
  const { db, accessLog } = deps;
  let schema: Map<string, TableInfo> | null = null;
  const tables = async () => (schema ??= await describeTables(db));

  async function assertActsFor(actor: Actor, agency: string, ...roles: Role[]): Promise<{ name: string; timezone: string }> {
    assertRole(actor, ...roles);
    if (actor.role !== 'admin' || actor.kind !== 'user') assertCanSeeAgency(actor, agency, 'Agency');
    const known = (await agencyNames(db)).get(agency);
    if (!known) throw new AppError('NOT_FOUND', 'Agency not found');
    return known;
  }

  function view(row: ReceiptRow): PrivacyReceipt {
    return {
      id: row.id,
      kind: row.kind,
      agency: row.agencyCode,
      status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      actor: { kind: row.actorKind, id: row.actorId, name: row.actorName, role: row.actorRole },
      subject: row.subject ?? null,
      counts: row.counts ?? null,
      sha256: row.sha256 ?? null,
      byteSize: row.byteSize ?? null,
      details: row.details ?? null,
    };
  }

  const actorColumns = (actor: Actor) => ({ actorKind: actor.kind, actorId: actor.id, actorName: actor.name, actorRole: actor.role });

  async function recordAccess(actor: Actor, agency: string, action: string, receiptId: string, count?: number) {
    await accessLog.record(actor, { agency, resource: 'privacy', resourceId: receiptId, action, count });
  }

  return { tables, assertActsFor, view, actorColumns, recordAccess };
}
