import { TableScroll } from '../components/table-scroll.tsx';

export type RowValue = Record<string, string>;

export type RowColumn = Readonly<{
  key: string;
  label: string;
  /** A free field, or a choice among `options` (value → Italian label). */
  options?: Readonly<Record<string, string>>;
  placeholder?: string;
  inputMode?: 'tel' | 'email' | 'text' | 'numeric';
}>;

/**
 * An editable table of rows (portfolios, numbers, addresses): change a cell, add a row, remove
 * one; the page saves the whole list at once, as the API replaces it. Every field is named for
 * screen readers by its column and row ("Numero, riga 2"), since a table cell has no label of its own.
 */
export function RowsEditor(props: {
  caption: string;
  columns: readonly RowColumn[];
  rows: readonly RowValue[];
  onChange: (rows: RowValue[]) => void;
  blank: RowValue;
  addLabel: string;
  readOnly?: boolean;
  emptyText: string;
}) {
  const { columns, rows, onChange, readOnly } = props;
  const set = (index: number, key: string, value: string) => onChange(rows.map((row, at) => (at === index ? { ...row, [key]: value } : row)));
  return (
    <div>
      {rows.length === 0 ? <p class="muted small">{props.emptyText}</p> : null}
      {rows.length > 0 ? (
        <TableScroll label={props.caption}>
          <table class="rows-editor">
            <caption class="sr-only">{props.caption}</caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.key} scope="col">
                    {column.label}
                  </th>
                ))}
                {readOnly ? null : (
                  <th scope="col">
                    <span class="sr-only">Azioni</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                // Rows have no identity until saved: the position is the row.
                <tr key={index}>
                  {columns.map((column) => {
                    const name = `${column.label}, riga ${index + 1}`;
                    if (readOnly) return <td key={column.key}>{column.options ? (column.options[row[column.key]] ?? '—') : row[column.key] || '—'}</td>;
                    return (
                      <td key={column.key}>
                        {column.options ? (
                          <select aria-label={name} value={row[column.key]} onChange={(event) => set(index, column.key, event.currentTarget.value)}>
                            {Object.entries(column.options).map(([value, label]) => (
                              <option key={value} value={value}>
                                {label}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <input
                            aria-label={name}
                            value={row[column.key]}
                            placeholder={column.placeholder}
                            inputMode={column.inputMode}
                            onInput={(event) => set(index, column.key, event.currentTarget.value)}
                          />
                        )}
                      </td>
                    );
                  })}
                  {readOnly ? null : (
                    <td>
                      <button type="button" class="small-button" onClick={() => onChange(rows.filter((_, at) => at !== index))}>
                        Rimuovi<span class="sr-only"> riga {index + 1}</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {readOnly ? null : (
        <button type="button" onClick={() => onChange([...rows, { ...props.blank }])}>
          {props.addLabel}
        </button>
      )}
    </div>
  );
}

/** Values the same in two places: the Italian problem of the first one seen twice, or null. */
export function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return null;
}
