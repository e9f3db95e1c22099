/**
 * The agency the quarantine screen proposes for a message: the one its recipient address routed it
 * to, when the user serves it; otherwise the first agency the user serves (mail of no agency, or of
 * an agency the server would not have shown them). Only agencies the user serves are ever offered.
 */
export function proposedAgency(routedTo: string | null, served: readonly string[]): string {
  if (routedTo !== null && served.includes(routedTo)) return routedTo;
  return served[0] ?? '';
}
