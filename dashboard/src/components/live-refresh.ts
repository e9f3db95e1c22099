import type { LiveEvent } from '../../../src/contracts/live.ts';
import type { LiveStore } from '../live-store.ts';

/**
 * Runs `load` now, then again after the live events it cares about and after every
 * resynchronisation, at most once per burst (`settleMs` after the last one): a storm of mail or a
 * wave of abandons is one request per screen, not one per event. Returns the stop function.
 */
export function followLive(store: LiveStore, options: { matters: (event: LiveEvent) => boolean; load: () => void; settleMs: number }): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(options.load, options.settleMs);
  };
  options.load();
  let generation = store.state.generation;
  const stopState = store.subscribe((state) => {
    if (state.generation !== generation) {
      generation = state.generation;
      soon();
    }
  });
  const stopEvents = store.onEvent((event) => {
    if (options.matters(event)) soon();
  });
  return () => {
    clearTimeout(timer);
    stopState();
    stopEvents();
  };
}
