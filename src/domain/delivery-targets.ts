/**
 * Which of an agency's delivery targets receive a ticket. A target names a portfolio (null: any
 * portfolio, the agency's own stock included) and a category (null: any category). Levels, most
 * specific first:
 *
 *   1. the ticket's portfolio and its category
 *   2. the ticket's portfolio, any category
 *   3. any portfolio, the ticket's category
 *   4. any portfolio, any category
 *
 * The most specific level that has active targets wins alone: a Comune di Pavia plumbing ticket
 * goes to the Comune's maintenance office and not also to ALER's general one. Several targets on
 * the winning level (a webhook and an e-mail) all receive it. A ticket without a portfolio (the
 * agency's own stock) only meets levels 3 and 4.
 */
export type TargetScope = Readonly<{ portfolioId: string | null; category: string | null }>;

export type TicketScope = Readonly<{ portfolioId: string | null; category: string }>;

/** 1 (most specific) to 4, or null when the target does not apply to the ticket at all. */
export function targetLevel(target: TargetScope, ticket: TicketScope): 1 | 2 | 3 | 4 | null {
  if (target.portfolioId !== null && target.portfolioId !== ticket.portfolioId) return null;
  if (target.category !== null && target.category !== ticket.category) return null;
  if (target.portfolioId !== null) return target.category !== null ? 1 : 2;
  return target.category !== null ? 3 : 4;
}

/** The targets (already filtered to active ones) that receive the ticket: those of the most specific level present. */
export function mostSpecificTargets<T extends TargetScope>(targets: readonly T[], ticket: TicketScope): T[] {
  const levelled = targets.map((target) => ({ target, level: targetLevel(target, ticket) })).filter((entry) => entry.level !== null);
  if (levelled.length === 0) return [];
  const best = Math.min(...levelled.map((entry) => entry.level!));
  return levelled.filter((entry) => entry.level === best).map((entry) => entry.target);
}
