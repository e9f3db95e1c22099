import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveCall } from '../../../src/contracts/live.ts';
import { formatDuration } from '../format.ts';
import { secondsSince } from '../hooks.ts';

/** The shortcut that takes the call from anywhere on the page, even while typing in a field. */
export const TAKE_CALL_SHORTCUT = 'Alt+R';

/**
 * A caller waits in a queue this operator serves and the operator is available: a visible banner,
 * an assertive announcement for screen readers, a short tone (WebAudio, no audio file) and a
 * browser notification when allowed. Enter on the banner's button or Alt+R takes the call.
 */
export function IncomingCallAlert({
  waiting,
  describe,
  now,
  onTake,
}: {
  /** The callers waiting in the operator's queues, oldest first. */
  waiting: readonly LiveCall[];
  describe: (call: LiveCall) => string;
  now: number;
  onTake: () => void;
}) {
  const known = useRef<Set<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  const oldest = waiting[0];

  // A caller not seen before: announce, ring and notify, once per caller.
  useEffect(() => {
    const fresh = waiting.filter((call) => !known.current.has(call.callSid));
    known.current = new Set(waiting.map((call) => call.callSid));
    if (fresh.length === 0) return;
    const text = `Chiamata in arrivo: ${describe(fresh[0])}. Premi ${TAKE_CALL_SHORTCUT} per rispondere.`;
    setAnnouncement(text);
    ring();
    notify(text);
  }, [waiting.map((call) => call.callSid).join(',')]);

  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && !event.repeat && event.code === 'KeyR') {
        event.preventDefault();
        onTake();
      }
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onTake]);

  return (
    <>
      <div class="sr-only" aria-live="assertive" aria-atomic="true" data-testid="incoming-announcement">
        {oldest ? announcement : ''}
      </div>
      {oldest ? (
        <section class="incoming" aria-labelledby="incoming-title" data-testid="incoming-call">
          <div>
            <h3 id="incoming-title">Chiamata in arrivo</h3>
            <p>
              {describe(oldest)} · in attesa da {formatDuration(secondsSince(oldest.enqueuedAt, now))}
              {waiting.length > 1 ? ` · altri ${waiting.length - 1} in coda` : ''}
            </p>
          </div>
          <div class="incoming-actions">
            <button type="button" class="primary big" onClick={onTake} aria-keyshortcuts="Alt+R" data-testid="answer">
              Rispondi <kbd>{TAKE_CALL_SHORTCUT}</kbd>
            </button>
            {permission === 'default' ? (
              <button type="button" class="ghost small-button" onClick={() => void Notification.requestPermission().then((answer) => setPermission(answer))}>
                Attiva le notifiche del browser
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  );
}

let audio: AudioContext | null = null;

/** Two short tones made on the spot: no audio file to fetch or cache. Silent when the browser refuses sound. */
function ring(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume().catch(() => {});
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.25, 660],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.22);
    }
  } catch {
    // No audio device or no permission to play: the banner and the announcement still tell.
  }
}

/** A system notification, for an operator whose browser window is behind another one. */
function notify(text: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  try {
    new Notification('Centralino: chiamata in arrivo', { body: text, tag: 'centralino-incoming' });
  } catch {
    // Some browsers allow notifications only from a service worker: the page's own alert remains.
  }
}
