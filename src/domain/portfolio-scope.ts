/**
 * Portfolios as a dimension of the reports: an agency's contacts are its own stock (no portfolio)
 * plus those of each portfolio it manages for others (e.g. the Comune di Pavia's housing stock under
 * ALER Pavia-Lodi). A report covers all of them, its own stock alone, or one portfolio.
 */

/** `portfolio=none` in a report query: the agency's own stock. Never a portfolio's id (admin refuses it). */
export const OWN_STOCK = 'none';

export const OWN_STOCK_NAME = 'Patrimonio proprio dell’ente';

/**
 * Which contacts a report counts: undefined = the whole agency, null = its own stock, a portfolio id,
 * or everything but some portfolios (what a statement bills under the agency's own contract when
 * those portfolios are billed separately).
 */
export type PortfolioFilter = string | null | undefined | Readonly<{ except: readonly string[] }>;

/** The whole agency, or one part of it named for people (`code` echoes the query). */
export type PortfolioChoice = Readonly<{ filter: undefined }> | Readonly<{ filter: string | null; code: string; name: string }>;

/**
 * The query's `portfolio` against the agency's portfolios: null when the code names none of them
 * (unknown, or another agency's: the caller answers 404 either way, so nothing is revealed).
 */
export function choosePortfolio(portfolios: readonly Readonly<{ id: string; name: string }>[], code: string | undefined): PortfolioChoice | null {
  if (code === undefined) return { filter: undefined };
  if (code === OWN_STOCK) return { filter: null, code, name: OWN_STOCK_NAME };
  const portfolio = portfolios.find((candidate) => candidate.id === code);
  return portfolio ? { filter: portfolio.id, code: portfolio.id, name: portfolio.name } : null;
}
