import { useEffect, useState } from 'preact/hooks';
import type { QuarantinePage } from '../../../src/contracts/email.ts';
import { get, query } from '../api.ts';
import { QUARANTINE_PATH } from '../endpoints.ts';
import type { LiveStore } from '../live-store.ts';
import { followLive } from './live-refresh.ts';

/** A storm of inbound mail is one refresh per supervisor, not one per message. */
const SETTLE_MS = 500;

/**
 * How many e-mails wait in quarantine for this supervisor, kept current by the live events that
 * change it (a message quarantined, discarded or assigned) and by every resynchronisation, at most
 * once per burst. Null until known, or when the user may not see the quarantine.
 */
export function useQuarantineCount(store: LiveStore, enabled: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let stale = false;
    const load = () =>
      get<QuarantinePage>(`${QUARANTINE_PATH}${query({ status: 'open', limit: 1 })}`)
        .then((page) => {
          if (!stale) setCount(page.total);
        })
        .catch(() => {
          // The count is a hint: a failed refresh keeps the last one until the next event.
        });
    const stop = followLive(store, {
      matters: (event) => event.type.startsWith('email.') || (event.type === 'ticket.created' && event.data.ticket.channel === 'email'),
      load: () => void load(),
      settleMs: SETTLE_MS,
    });
    return () => {
      stale = true;
      stop();
    };
  }, [store, enabled]);
  return count;
}
