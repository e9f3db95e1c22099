import { secondsSince } from '../hooks.ts';
import { categoryTitleIt } from '../../../src/domain/categories.ts';
import { formatDuration } from '../format.ts';
import type { QueueView } from '../live-view.ts';
import { TableScroll } from './table-scroll.tsx';

/** Waiting callers per queue with the longest wait, growing every second; grouped by agency when several. */
export function QueueTable({
  queues,
  now,
  showAgency = true,
  showTalking = true,
}: {
  queues: QueueView[];
  now: number;
  showAgency?: boolean;
  showTalking?: boolean;
}) {
  if (queues.length === 0) return <p class="muted">Nessuna coda assegnata.</p>;
  const groups = new Map<string, QueueView[]>();
  for (const queue of queues) groups.set(queue.agency.code, [...(groups.get(queue.agency.code) ?? []), queue]);
  return (
    <TableScroll label="Code in attesa">
      <table class="queues" aria-label="Code">
        <thead>
          <tr>
            <th scope="col">Coda</th>
            <th scope="col" class="num" title="Chiamanti in attesa">
              In attesa
            </th>
            <th scope="col" class="num" title="Attesa del chiamante in coda da più tempo">
              Attesa max
            </th>
            {showTalking ? (
              <th scope="col" class="num" title="Chiamate in conversazione con un operatore">
                In linea
              </th>
            ) : null}
          </tr>
        </thead>
        {[...groups.values()].map((rows) => (
          <tbody key={rows[0].agency.code}>
            {showAgency ? (
              <tr class="group">
                <th scope="rowgroup" colSpan={showTalking ? 4 : 3}>
                  {rows[0].agency.name}
                </th>
              </tr>
            ) : null}
            {rows.map((queue) => {
              const longest = queue.oldestEnqueuedAt ? secondsSince(queue.oldestEnqueuedAt, now) : null;
              const alert = longest !== null && longest >= queue.agency.thresholds.waitAlertSeconds;
              return (
                <tr key={queue.name} class={alert ? 'alert' : queue.waiting.length > 0 ? 'busy' : ''} data-queue={queue.name}>
                  <td>{categoryTitleIt(queue.label)}</td>
                  <td class="num strong" data-testid="waiting">
                    {queue.waiting.length}
                    {queue.queuedCallbacks > 0 ? <span class="queued-callbacks"> (di cui {queue.queuedCallbacks} da richiamare)</span> : null}
                  </td>
                  <td class="num" data-testid="longest">
                    {longest === null ? '—' : formatDuration(longest)}
                    {alert ? <span class="sr-only"> (oltre la soglia)</span> : null}
                  </td>
                  {showTalking ? <td class="num">{queue.talking}</td> : null}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </TableScroll>
  );
}
