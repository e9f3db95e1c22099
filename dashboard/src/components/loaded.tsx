import type { ComponentChildren } from 'preact';

/** A part that loads its own data: the error (announced), «Caricamento…» meanwhile, then the part drawn from the data. */
export function Loaded<T>({ data, error, children }: { data: T | null; error: string | null; children: (data: T) => ComponentChildren }) {
  return (
    <>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {data === null ? error ? null : <p class="muted">Caricamento…</p> : children(data)}
    </>
  );
}
