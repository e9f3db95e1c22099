import { useEffect, useState } from 'preact/hooks';
import type { CallbackPage } from '../../../src/contracts/callbacks.ts';
import type { TicketPage } from '../../../src/contracts/tickets.ts';
import { get, query } from '../api.ts';
import type { LiveStore } from '../live-store.ts';
import { followLive } from './live-refresh.ts';

/** The work waiting behind the phones of one agency: call-backs owed (and overdue) and e-mails nobody took yet. */
export type Backlog = Readonly<{ callbacks: number; overdue: number; emails: number; emailsCapped: boolean }>;

const EMAIL_PAGE = 200;
/** Events arrive in bursts (a storm of mail, a wave of abandons): one reload after the burst. */
const SETTLE_MS = 1500;

/**
 * Each agency's backlog, reloaded after the live events that change it (call-backs, tickets) and
 * after every resynchronisation, at most once per burst.
 */
export function useBacklogs(store: LiveStore, agencies: readonly string[]): Readonly<Record<string, Backlog>> {
  const [backlogs, setBacklogs] = useState<Readonly<Record<string, Backlog>>>({});
  const key = agencies.join(',');
  useEffect(() => {
    if (agencies.length === 0) return;
    let stale = false;
    const load = async () => {
      const entries = await Promise.all(
        agencies.map(async (agency): Promise<[string, Backlog] | null> => {
          try {
            const [callbacks, emails] = await Promise.all([
              get<CallbackPage>(`/api/v1/callbacks${query({ agency, status: 'open', limit: 1 })}`),
              get<TicketPage>(`/api/v1/tickets${query({ agency, channel: 'email', status: 'new', limit: EMAIL_PAGE })}`),
            ]);
            return [agency, { callbacks: callbacks.total, overdue: callbacks.overdue, emails: emails.items.length, emailsCapped: emails.nextCursor !== null }];
          } catch {
            // A figure on a wall is a hint: a failed refresh keeps the last one.
            return null;
          }
        }),
      );
      if (!stale) setBacklogs((current) => ({ ...current, ...Object.fromEntries(entries.filter((entry) => entry !== null)) }));
    };
    const stop = followLive(store, {
      matters: (event) => event.type.startsWith('callback.') || event.type.startsWith('ticket.'),
      load: () => void load(),
      settleMs: SETTLE_MS,
    });
    return () => {
      stale = true;
      stop();
    };
  }, [store, key]);
  return backlogs;
}
