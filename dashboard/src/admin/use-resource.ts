import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AgencyProfile } from '../../../src/contracts/admin.ts';
import { errorText, get } from '../api.ts';
import { ADMIN_API } from './admin-paths.ts';

/** A resource read from the API: its data (null while loading), the Italian error, a reload. */
export function useResource<T>(url: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    if (!url) return;
    try {
      setData(await get<T>(url));
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [url]);
  useEffect(() => {
    setData(null);
    void reload();
  }, [reload]);
  return { data, setData, error, reload };
}

export type SaveState = Readonly<{ busy: boolean; error: string | null; done: string | null }>;

/**
 * A save button's life: busy while the request runs, then a success line (announced politely)
 * or the error in Italian. `conflictText` says what a 409 means for this form, which the generic
 * "the situation changed" text would not (a number already routed to another agency).
 */
export function useSave(conflictText?: string) {
  const [state, setState] = useState<SaveState>({ busy: false, error: null, done: null });
  const run = useCallback(
    async <R>(work: () => Promise<R>, doneText = 'Modifiche salvate.'): Promise<R | undefined> => {
      setState({ busy: true, error: null, done: null });
      try {
        const result = await work();
        setState({ busy: false, error: null, done: doneText });
        return result;
      } catch (failure) {
        const status = (failure as { status?: number }).status;
        setState({ busy: false, error: status === 409 && conflictText ? conflictText : errorText(failure), done: null });
        return undefined;
      }
    },
    [conflictText],
  );
  const fail = useCallback((message: string) => setState({ busy: false, error: message, done: null }), []);
  return { state, run, fail };
}

/** The agencies the user may administer or read, code → name, for choices and labels ({} while loading). */
export function useAgencyNames(): Readonly<Record<string, string>> {
  const { data } = useResource<{ items: AgencyProfile[] }>(ADMIN_API.agencies);
  return Object.fromEntries((data?.items ?? []).map((agency) => [agency.code, agency.name]));
}

/** The same names as the options of an AgencySelect. */
export const agencyOptions = (names: Readonly<Record<string, string>>) => Object.entries(names).map(([code, name]) => ({ code, name }));
