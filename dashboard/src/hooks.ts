import { useEffect, useState } from 'preact/hooks';
import type { LiveState, LiveStore } from './live-store.ts';

/** The live state, re-rendering on every change. */
export function useLive(store: LiveStore): LiveState {
  const [state, setState] = useState(store.state);
  useEffect(() => {
    setState(store.state);
    return store.subscribe(setState);
  }, [store]);
  return state;
}

/** Server time, ticking every second, so that waits grow on screen between events. */
export function useServerNow(clockOffsetMs: number): number {
  const [now, setNow] = useState(() => Date.now() - clockOffsetMs);
  useEffect(() => {
    setNow(Date.now() - clockOffsetMs);
    const timer = setInterval(() => setNow(Date.now() - clockOffsetMs), 1000);
    return () => clearInterval(timer);
  }, [clockOffsetMs]);
  return now;
}

/** Seconds since an ISO instant, in server time. */
export function secondsSince(iso: string | null, now: number): number {
  return iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 1000)) : 0;
}

/** Global single-key shortcuts, ignored while typing in a field. */
export function useShortcut(key: string, handler: () => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (event.key.toLowerCase() === key.toLowerCase()) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [key, handler, enabled]);
}
