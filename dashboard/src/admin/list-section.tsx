import { useEffect, useState } from 'preact/hooks';
import { put } from '../api.ts';
import type { RowColumn, RowValue } from './rows-editor.tsx';
import { RowsEditor } from './rows-editor.tsx';
import { SaveStatus } from './save-status.tsx';
import { useSave } from './use-resource.ts';

/**
 * One list of an agency's configuration (portfolios, numbers, addresses) as a card: the rows,
 * checked in Italian before sending (`problem`), saved as a whole with PUT. The answer is the
 * agency's new configuration, handed to `onSaved`.
 */
export function ListSection<Config>(props: {
  id: string;
  title: string;
  help: string;
  url: string;
  columns: readonly RowColumn[];
  initial: RowValue[];
  blank: RowValue;
  addLabel: string;
  emptyText: string;
  conflictText: string;
  readOnly: boolean;
  problem: (rows: RowValue[]) => string | null;
  body: (rows: RowValue[]) => unknown;
  onSaved: (config: Config) => void;
}) {
  const [rows, setRows] = useState(props.initial);
  useEffect(() => setRows(props.initial), [props.initial]);
  const { state, run, fail } = useSave(props.conflictText);

  async function save(event: Event) {
    event.preventDefault();
    const problem = props.problem(rows);
    if (problem) return fail(problem);
    const saved = await run(() => put<Config>(props.url, props.body(rows)));
    if (saved) props.onSaved(saved);
  }

  return (
    <section class="card admin-section" aria-labelledby={`${props.id}-title`}>
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      <p class="muted small">{props.help}</p>
      <form onSubmit={save}>
        <RowsEditor
          caption={props.title}
          columns={props.columns}
          rows={rows}
          onChange={setRows}
          blank={props.blank}
          addLabel={props.addLabel}
          readOnly={props.readOnly}
          emptyText={props.emptyText}
        />
        {props.readOnly ? null : (
          <div class="action-row">
            <button type="submit" class="primary" disabled={state.busy}>
              Salva {props.title.toLowerCase()}
            </button>
          </div>
        )}
        <SaveStatus state={state} />
      </form>
    </section>
  );
}
