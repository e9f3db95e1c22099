import type { SaveState } from './use-resource.ts';

/** What became of the last save: an alert for an error, a polite status line for success. */
export function SaveStatus({ state }: { state: SaveState }) {
  if (state.error)
    return (
      <p class="notice error" role="alert">
        {state.error}
      </p>
    );
  return (
    <p class="small muted" role="status">
      {state.busy ? 'Salvataggio…' : (state.done ?? '')}
    </p>
  );
}
