import { useState } from 'preact/hooks';
import type { LiveAgency } from '../../../src/contracts/live.ts';
import type { Operator } from '../../../src/contracts/operators.ts';
import { categoryTitleIt } from '../../../src/domain/categories.ts';
import { put } from '../api.ts';
import { PRESENCE_LABEL, ROLE_LABEL } from '../format.ts';
import { SaveStatus } from './save-status.tsx';
import { useResource, useSave } from './use-resource.ts';

type Queues = Readonly<Record<string, readonly LiveAgency['queues'][number][]>>;

/**
 * Who answers which queue. A supervisor narrows an operator's work within the agencies they both
 * serve; with every queue of an agency ticked the operator answers all of them, those the agency
 * adds later included (the server stores no narrowing then).
 */
export function OperatorQueuesPanel({ agencies }: { agencies: readonly LiveAgency[] }) {
  const staff = useResource<{ items: Operator[] }>('/api/v1/operators');
  const queuesOf: Queues = Object.fromEntries(agencies.map((agency) => [agency.code, agency.queues]));
  const names = Object.fromEntries(agencies.map((agency) => [agency.code, agency.name]));
  const members = staff.data?.items.filter((member) => member.agencies.length > 0) ?? [];
  return (
    <section class="card" aria-labelledby="operator-queues-title">
      <h2 id="operator-queues-title">Code degli operatori</h2>
      <p class="muted">
        Scegli le code a cui ogni operatore risponde negli enti che servite entrambi. Con tutte le code di un ente selezionate, l’operatore risponde anche a
        quelle che l’ente aggiungerà. Gli enti di ciascuno si assegnano in «Utenti».
      </p>
      {staff.error ? (
        <p class="notice error" role="alert">
          {staff.error}
        </p>
      ) : null}
      {staff.data === null && !staff.error ? <p class="muted">Caricamento…</p> : null}
      {staff.data && members.length === 0 ? <p class="empty">Nessun operatore serve i vostri enti: assegna gli enti agli operatori in «Utenti».</p> : null}
      <div class="operator-queues">
        {members.map((member) => (
          <OperatorQueues
            key={member.id}
            member={member}
            queuesOf={queuesOf}
            names={names}
            onSaved={(saved) => staff.setData((current) => current && { items: current.items.map((other) => (other.id === saved.id ? saved : other)) })}
          />
        ))}
      </div>
    </section>
  );
}

function OperatorQueues(props: { member: Operator; queuesOf: Queues; names: Readonly<Record<string, string>>; onSaved: (member: Operator) => void }) {
  const { member, queuesOf, names } = props;
  const [chosen, setChosen] = useState<readonly string[]>(member.queues);
  const { state, run, fail } = useSave();
  const titleId = `queues-of-${member.id}`;

  async function save(event: Event) {
    event.preventDefault();
    const empty = member.agencies.find((agency) => (queuesOf[agency] ?? []).every((queue) => !chosen.includes(queue.name)));
    if (empty) return fail(`Scegli almeno una coda di ${names[empty] ?? empty}: per togliere l’ente all’operatore usa «Utenti».`);
    // An agency with every queue ticked is sent with none: "all of them", now and later.
    const narrowed = member.agencies.flatMap((agency) => {
      const all = (queuesOf[agency] ?? []).map((queue) => queue.name);
      return all.every((name) => chosen.includes(name)) ? [] : all.filter((name) => chosen.includes(name));
    });
    const saved = await run(() => put<Operator>(`/api/v1/operators/${encodeURIComponent(member.username)}/queues`, { queues: narrowed }), 'Code salvate.');
    if (saved) props.onSaved(saved);
  }

  return (
    <form class="admin-form operator-queue-card" aria-labelledby={titleId} onSubmit={save}>
      <h3 id={titleId}>{member.displayName}</h3>
      <p class="small muted">
        {ROLE_LABEL[member.role] ?? member.role} · {PRESENCE_LABEL[member.presence] ?? member.presence}
      </p>
      {member.agencies.map((agency) => (
        <fieldset key={agency} class="choices">
          <legend>{names[agency] ?? agency}</legend>
          {(queuesOf[agency] ?? []).map((queue) => (
            <label key={queue.name} class="inline">
              <input
                type="checkbox"
                checked={chosen.includes(queue.name)}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setChosen((current) => (checked ? [...current, queue.name] : current.filter((name) => name !== queue.name)));
                }}
              />{' '}
              {categoryTitleIt(queue.label)}
            </label>
          ))}
        </fieldset>
      ))}
      <div class="action-row">
        <button type="submit" class="primary" disabled={state.busy}>
          Salva code<span class="sr-only"> di {member.displayName}</span>
        </button>
      </div>
      <SaveStatus state={state} />
    </form>
  );
}
