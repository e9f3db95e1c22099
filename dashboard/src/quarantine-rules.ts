/**
 * The agency the quarantine screen proposes for a message: the one its recipient address routed it
 * to, when the user serves it; otherwise none (''), so that mail of no agency goes where a person
 * chose, never to whichever agency happens to be first in the list. Only agencies the user serves
 * are ever offered.
 */
export function proposedAgency(routedTo: string | null, served: readonly string[]): string {
  return routedTo !== null && served.includes(routedTo) ? routedTo : '';
}
