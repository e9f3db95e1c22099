/**
 * Prepared statements for drizzle's queries on postgres.js.
 *
 * drizzle-orm runs every query it was not given a name for through `client.unsafe(…, { prepare:
 * false })` (drizzle-team/drizzle-orm#6096). postgres.js then sends each statement that has
 * parameters in two round trips: Parse and Describe, a wait for the parameter types, then Bind
 * and Execute. Prepared, a statement is parsed once per connection and every later run is a single
 * round trip; for the incoming-call webhook that was half the time spent waiting on Postgres.
 *
 * This restores postgres.js's own default (`prepare: true`) under drizzle, inside transactions and
 * savepoints too. Statements without parameters still go as simple queries. postgres.js keeps one
 * cache per connection, and connections are recycled (`max_lifetime`), so the cache stays bounded.
 * Remove once drizzle passes the client's setting through (drizzle-team/drizzle-orm#6098).
 */
type Options = Record<string, unknown>;
type Callback = (scoped: Scoped) => unknown;
type Scoped = {
  unsafe: (query: string, parameters?: unknown[], options?: Options) => unknown;
  begin?: (optionsOrCallback: string | Callback, callback?: Callback) => unknown;
  savepoint?: (nameOrCallback: string | Callback, callback?: Callback) => unknown;
};

export function preparingStatements<T>(sql: T): T {
  const scoped = sql as unknown as Scoped;
  const unsafe = scoped.unsafe;
  scoped.unsafe = (query, parameters = [], options = {}) => unsafe(query, parameters, { ...options, prepare: true });
  for (const method of ['begin', 'savepoint'] as const) {
    const original = scoped[method];
    if (!original) continue;
    // Both take an optional first argument (transaction mode, savepoint name) and then the callback.
    scoped[method] = (first, callback) =>
      callback === undefined
        ? original((inner) => (first as Callback)(preparingStatements(inner)))
        : original(first, (inner) => callback(preparingStatements(inner)));
  }
  return sql;
}
