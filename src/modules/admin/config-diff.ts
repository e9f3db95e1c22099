/**
 * The top-level parts of a configuration that differ between two versions, with their values on
 * each side: what an audit entry keeps, so that a reader sees "numeri" changed, not two copies of
 * the whole agency.
 */
export function changedParts<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { parts: string[]; before: Record<string, unknown>; after: Record<string, unknown> } {
  const parts = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return {
    parts,
    before: Object.fromEntries(parts.map((key) => [key, before[key] ?? null])),
    after: Object.fromEntries(parts.map((key) => [key, after[key] ?? null])),
  };
}
