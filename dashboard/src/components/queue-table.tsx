import { secondsSince } from '../hooks.ts';
import { CATEGORY_LABEL, formatDuration } from '../format.ts';
import type { QueueView } from '../live-view.ts';

/** Waiting callers per queue with the longest wait, growing every second. */
export function QueueTable({ queues, now, alertSeconds, showAgency = true }: { queues: QueueView[]; now: number; alertSeconds: number; showAgency?: boolean }) {
  if (queues.length === 0) return <p class="muted">Nessuna coda assegnata.</p>;
  return (
    <table class="queues" aria-label="Code">
      <thead>
        <tr>
          {showAgency ? <th scope="col">Ente</th> : null}
          <th scope="col">Coda</th>
          <th scope="col" class="num">In attesa</th>
          <th scope="col" class="num">Attesa massima</th>
          <th scope="col" class="num">In conversazione</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((queue) => {
          const longest = queue.oldestEnqueuedAt ? secondsSince(queue.oldestEnqueuedAt, now) : null;
          const alert = longest !== null && longest >= alertSeconds;
          return (
            <tr key={queue.name} class={alert ? 'alert' : queue.waiting.length > 0 ? 'busy' : ''} data-queue={queue.name}>
              {showAgency ? <td>{queue.agency.name}</td> : null}
              <td>{CATEGORY_LABEL[queue.category] ?? queue.label}</td>
              <td class="num strong" data-testid="waiting">{queue.waiting.length}</td>
              <td class="num" data-testid="longest">{longest === null ? '—' : formatDuration(longest)}{alert ? <span class="sr-only"> (oltre la soglia)</span> : null}</td>
              <td class="num">{queue.talking}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
