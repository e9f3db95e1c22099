import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import type { PrivacyReceipt } from '../../domain/privacy-receipt.ts';
import { receiptText } from '../../domain/privacy-receipt.ts';
import { agencyNames } from './agency-rows-repo.ts';
import type { PrivacyContext } from './privacy-context.ts';
import type { PrivacyServiceDeps } from './privacy-service.ts';
import { findReceipt, listReceipts } from './receipts-repo.ts';

/** Reading the receipts: lists, one receipt, and its printable Italian text. */
export function createReceiptsService(deps: PrivacyServiceDeps, context: PrivacyContext) {
  const { db } = deps;
  const { view } = context;

  const verbs = {
    async listReceipts(actor: Actor, query: { agency?: string; limit: number }) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      // Administrators also see the receipts of agencies whose data is gone (nobody is assigned to them any more).
      const agencies =
        actor.role === 'admin' && actor.kind === 'user' ? (query.agency === undefined ? undefined : [query.agency]) : scopeAgencies(actor, query.agency);
      const rows = await listReceipts(db, agencies, query.limit);
      return rows.map(view);
    },

    async getReceipt(actor: Actor, id: string): Promise<PrivacyReceipt> {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const row = await findReceipt(db, id);
      if (!row) throw new AppError('NOT_FOUND', 'Receipt not found');
      if (actor.role !== 'admin' || actor.kind !== 'user') assertCanSeeAgency(actor, row.agencyCode, 'Receipt');
      return view(row);
    },

    /** The printable receipt, in Italian. */
    async printReceipt(actor: Actor, id: string): Promise<string> {
      const receipt = await verbs.getReceipt(actor, id);
      const agency = (await agencyNames(db)).get(receipt.agency) ?? { name: String(receipt.details?.agencyName ?? receipt.agency), timezone: 'Europe/Rome' };
      return receiptText(receipt, agency);
    },
  };
  return verbs;
}
