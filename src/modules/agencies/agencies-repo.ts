import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { portfolios } from '../../db/schema/index.ts';

/**
 * Whether the agency has this portfolio, read in the caller's transaction: the in-memory directory
 * may not have been reloaded yet on this node after another node's administrative change.
 */
export async function portfolioExists(tx: Executor, agencyCode: string, portfolioId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: portfolios.id })
    .from(portfolios)
    .where(and(eq(portfolios.id, portfolioId), eq(portfolios.agencyCode, agencyCode)));
  return rows.length > 0;
}
