import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgencyCategoryList } from '../../../src/contracts/admin.ts';
import type { AgencyCategory } from '../../../src/domain/categories.ts';
import { categoryListProblemsIt, categoryTitleIt, menuPromptIt, normaliseKeyword } from '../../../src/domain/categories.ts';
import { ApiError, errorText, get, put } from '../api.ts';

const CATEGORIES_PATH = (agency: string) => `/api/v1/admin/agencies/${encodeURIComponent(agency)}/categories`;

/** One category as the form holds it: keywords as typed, numbers as text until saved. */
type Draft = {
  /** Stable key for the list while codes are still being typed. */
  key: string;
  saved: boolean;
  tickets: number;
  code: string;
  label: string;
  menuPhrase: string;
  digit: string;
  priority: string;
  heatingBoostSeconds: string;
  keywords: string;
  isFallback: boolean;
  retired: boolean;
};

let nextKey = 0;

function draftOf(item: AgencyCategoryList['items'][number]): Draft {
  return {
    key: `saved-${item.code}`,
    saved: true,
    tickets: item.tickets,
    code: item.code,
    label: item.label,
    menuPhrase: item.menuPhrase ?? '',
    digit: item.digit === null ? '' : String(item.digit),
    priority: String(item.priority),
    heatingBoostSeconds: String(item.heatingBoostSeconds),
    keywords: item.keywords.join(', '),
    isFallback: item.isFallback,
    retired: item.retired,
  };
}

function emptyDraft(): Draft {
  nextKey += 1;
  return {
    key: `new-${nextKey}`,
    saved: false,
    tickets: 0,
    code: '',
    label: '',
    menuPhrase: '',
    digit: '',
    priority: '0',
    heatingBoostSeconds: '0',
    keywords: '',
    isFallback: false,
    retired: false,
  };
}

const integerOr = (text: string, fallback: number) => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : fallback);

/** The draft as the domain reads it: the same rules the server applies, checked before sending. */
function categoryOf(draft: Draft, index: number): AgencyCategory {
  return {
    code: draft.code.trim(),
    label: draft.label.trim(),
    menuPhrase: draft.menuPhrase.trim() || null,
    digit: draft.digit === '' ? null : Number(draft.digit),
    position: index + 1,
    priority: integerOr(draft.priority, 0),
    heatingBoostSeconds: integerOr(draft.heatingBoostSeconds, 0),
    keywords: [
      ...new Set(
        draft.keywords
          .split(/[,;\n]/)
          .map(normaliseKeyword)
          .filter(Boolean),
      ),
    ],
    isFallback: draft.isFallback,
    retired: draft.retired,
  };
}

/**
 * An agency's categories: names, voice-menu keys, e-mail keywords, priority, heating-season
 * bonus, the one that takes what nobody chose. A category with tickets can be retired (it leaves
 * the menu, the keywords and new tickets) but not deleted. One card per category, so the form
 * reflows to a 390 px phone without scrolling sideways.
 */
export function CategoriesPanel({ agency }: { agency: string }) {
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const alert = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    setDrafts(null);
    get<AgencyCategoryList>(CATEGORIES_PATH(agency))
      .then((list) => current && setDrafts(list.items.map(draftOf)))
      .catch((failure: unknown) => current && setError(errorText(failure)));
    return () => {
      current = false;
    };
  }, [agency]);

  useEffect(() => {
    if (problems.length > 0 || error) alert.current?.focus();
  }, [problems, error]);

  if (!drafts) {
    return (
      <section class="card categories-panel" aria-labelledby="categories-title">
        <h2 id="categories-title">Categorie</h2>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : (
          <p class="muted">Caricamento…</p>
        )}
      </section>
    );
  }

  const categories = drafts.map(categoryOf);
  const menu = menuPromptIt(categories);
  const change = (key: string, changes: Partial<Draft>) => {
    setDone(null);
    setDrafts(drafts.map((draft) => (draft.key === key ? { ...draft, ...changes } : changes.isFallback ? { ...draft, isFallback: false } : draft)));
  };
  const move = (index: number, by: number) => {
    const next = [...drafts];
    const [taken] = next.splice(index, 1);
    next.splice(index + by, 0, taken!);
    setDone(null);
    setDrafts(next);
  };

  async function save(event: Event) {
    event.preventDefault();
    setDone(null);
    setError(null);
    const local = categoryListProblemsIt(categories);
    setProblems(local);
    if (local.length > 0) return;
    setBusy(true);
    try {
      const body = {
        categories: categories.map(({ position: _position, keywords, ...category }) => ({ ...category, keywords: [...keywords] })),
      };
      const list = await put<AgencyCategoryList>(CATEGORIES_PATH(agency), body);
      setDrafts(list.items.map(draftOf));
      setDone('Categorie salvate: il menu vocale e le regole delle e-mail valgono da subito.');
    } catch (failure) {
      const listed = failure instanceof ApiError ? (failure.details as { problems?: unknown } | undefined)?.problems : undefined;
      if (Array.isArray(listed)) setProblems(listed.map(String));
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card categories-panel" aria-labelledby="categories-title">
      <h2 id="categories-title">Categorie</h2>
      <p class="muted small">
        Ogni categoria ha la sua coda. Una categoria con segnalazioni si può ritirare (esce dal menu, dalle parole chiave e dalle nuove segnalazioni) ma non
        eliminare.
      </p>
      <form onSubmit={(event) => void save(event)} noValidate>
        <ol class="category-list">
          {drafts.map((draft, index) => {
            const id = `category-${draft.key}`;
            const title = draft.label.trim() ? categoryTitleIt(draft.label.trim()) : 'Nuova categoria';
            return (
              <li key={draft.key} class={draft.retired ? 'category-card retired' : 'category-card'}>
                <fieldset>
                  <legend>
                    {title}
                    {draft.retired ? ' (ritirata)' : ''}
                    {draft.saved ? <span class="muted small"> · {draft.tickets === 1 ? '1 segnalazione' : `${draft.tickets} segnalazioni`}</span> : null}
                  </legend>
                  <div class="category-fields">
                    <label for={`${id}-code`}>
                      Codice
                      <input
                        id={`${id}-code`}
                        value={draft.code}
                        readOnly={draft.saved}
                        pattern="[a-z][a-z0-9\-]{0,30}"
                        aria-describedby={draft.saved ? undefined : `${id}-code-hint`}
                        onInput={(event) => change(draft.key, { code: event.currentTarget.value })}
                      />
                      {draft.saved ? null : (
                        <span id={`${id}-code-hint`} class="muted small">
                          minuscole senza accenti, es. morosita
                        </span>
                      )}
                    </label>
                    <label for={`${id}-label`}>
                      Nome
                      <input id={`${id}-label`} value={draft.label} onInput={(event) => change(draft.key, { label: event.currentTarget.value })} />
                    </label>
                    <label for={`${id}-phrase`}>
                      Nel menu vocale: «Per …»
                      <input
                        id={`${id}-phrase`}
                        value={draft.menuPhrase}
                        placeholder={draft.label || 'il nome'}
                        onInput={(event) => change(draft.key, { menuPhrase: event.currentTarget.value })}
                      />
                    </label>
                    <label for={`${id}-digit`}>
                      Tasto
                      <select id={`${id}-digit`} value={draft.digit} onChange={(event) => change(draft.key, { digit: event.currentTarget.value })}>
                        <option value="">non nel menu</option>
                        {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((digit) => (
                          <option key={digit} value={String(digit)}>
                            {digit}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label for={`${id}-priority`}>
                      Priorità della coda
                      <input
                        id={`${id}-priority`}
                        type="number"
                        min={-100}
                        max={100}
                        step={1}
                        value={draft.priority}
                        onInput={(event) => change(draft.key, { priority: event.currentTarget.value })}
                      />
                    </label>
                    <label for={`${id}-boost`}>
                      Precedenza in stagione di riscaldamento (secondi)
                      <input
                        id={`${id}-boost`}
                        type="number"
                        min={0}
                        max={3600}
                        step={10}
                        value={draft.heatingBoostSeconds}
                        onInput={(event) => change(draft.key, { heatingBoostSeconds: event.currentTarget.value })}
                      />
                    </label>
                    <label for={`${id}-keywords`} class="wide">
                      Parole chiave delle e-mail (inizi di parola, separati da virgole)
                      <input
                        id={`${id}-keywords`}
                        value={draft.keywords}
                        placeholder="es. morosit, affitt, canon"
                        onInput={(event) => change(draft.key, { keywords: event.currentTarget.value })}
                      />
                    </label>
                  </div>
                  <div class="category-options">
                    <label class="inline">
                      <input type="radio" name="fallback" checked={draft.isFallback} onChange={() => change(draft.key, { isFallback: true })} />
                      Raccoglie le richieste non riconosciute
                    </label>
                    <label class="inline">
                      <input type="checkbox" checked={draft.retired} onChange={(event) => change(draft.key, { retired: event.currentTarget.checked })} />
                      Ritirata
                    </label>
                  </div>
                  <div class="category-actions">
                    <button type="button" class="ghost" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Sposta ${title} su`}>
                      Su
                    </button>
                    <button
                      type="button"
                      class="ghost"
                      disabled={index === drafts.length - 1}
                      onClick={() => move(index, 1)}
                      aria-label={`Sposta ${title} giù`}
                    >
                      Giù
                    </button>
                    {draft.tickets === 0 ? (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => {
                          setDone(null);
                          setDrafts(drafts.filter((candidate) => candidate.key !== draft.key));
                        }}
                        aria-label={`Elimina ${title}`}
                      >
                        Elimina
                      </button>
                    ) : null}
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button type="button" onClick={() => setDrafts([...drafts, emptyDraft()])}>
          Aggiungi categoria
        </button>
        <div class="menu-preview">
          <h3>Il menu che ascolteranno i chiamanti</h3>
          <p>{menu || 'Nessuna categoria attiva ha un tasto: il menu sarebbe vuoto.'}</p>
        </div>
        <div ref={alert} tabIndex={-1}>
          {problems.length > 0 ? (
            <div class="notice error" role="alert">
              <p>Le categorie non sono state salvate:</p>
              <ul>
                {problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {error ? (
            <p class="notice error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        {done ? (
          <p class="notice success" role="status">
            {done}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          Salva le categorie
        </button>
      </form>
    </section>
  );
}
