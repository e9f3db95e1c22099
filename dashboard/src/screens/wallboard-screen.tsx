import type { LiveAgency, LiveOperator } from '../../../src/contracts/live.ts';
import { QueueTable } from '../components/queue-table.tsx';
import { LOCATION_LABEL, PRESENCE_LABEL, formatDuration, formatInteger, formatPct, formatSeconds } from '../format.ts';
import { secondsSince, useLive, useServerNow } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import type { QueueView } from '../live-view.ts';
import { alertsOf, callsInMenu, queueViews } from '../live-view.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { navigate } from '../router.ts';
import { WALLBOARD_TV_PATH } from './wallboard-tv.tsx';

const PRESENCE_ORDER = ['available', 'on_call', 'wrap_up', 'break', 'offline'];

export function WallboardScreen({ store }: { store: LiveStore }) {
  const live = useLive(store);
  const now = useServerNow(live.clockOffsetMs);
  const agencies = [...live.agencies.values()];
  const queues = queueViews(live);
  const alerts = alertsOf(agencies, queues, now);
  if (!live.ready) return <p class="muted">Caricamento della situazione in tempo reale…</p>;

  return (
    <div class="wallboard">
      <p class="wall-tv-link">
        <a
          href={WALLBOARD_TV_PATH}
          onClick={(event) => {
            event.preventDefault();
            navigate(WALLBOARD_TV_PATH);
          }}
        >
          Schermo TV (a tutto schermo, per la parete)
        </a>
      </p>
      <div class={`alerts ${alerts.length ? 'active' : ''}`} role="alert" aria-live="assertive" data-testid="alerts">
        {alerts.length === 0 ? (
          <span>Nessun allarme: livelli di servizio e attese nella norma.</span>
        ) : (
          <ul>
            {alerts.map((alert) => (
              <li key={alert.key}>⚠ {alert.text}</li>
            ))}
          </ul>
        )}
      </div>
      <div class="wallboard-grid">
        {agencies.map((agency) => (
          <AgencyPanel
            key={agency.code}
            agency={agency}
            queues={queues.filter((queue) => queue.agency.code === agency.code)}
            inMenu={callsInMenu(live, agency.code)}
            now={now}
          />
        ))}
        {live.operators ? <OperatorsPanel operators={[...live.operators.values()]} now={now} /> : null}
      </div>
    </div>
  );
}

function AgencyPanel({ agency, queues, inMenu, now }: { agency: LiveAgency; queues: QueueView[]; inMenu: number; now: number }) {
  const { today } = agency;
  const below = today.serviceLevelPct !== null && today.serviceLevelPct < agency.serviceLevelTargetPct;
  const waiting = queues.reduce((sum, queue) => sum + queue.waiting.length, 0);
  return (
    <section class="card agency-panel" aria-labelledby={`agency-${agency.code}`} data-agency={agency.code}>
      <header class="panel-head">
        <h2 id={`agency-${agency.code}`}>{agency.name}</h2>
        <span class="muted small">oggi {today.date.split('-').reverse().join('/')}</span>
      </header>
      <div class="kpis">
        <Kpi label="In attesa" value={formatInteger(waiting)} testid="kpi-waiting" tone={waiting > 0 ? 'busy' : undefined} />
        <Kpi label="Nel menu" value={formatInteger(inMenu)} />
        <Kpi label="Offerte" value={formatInteger(today.offered)} testid="kpi-offered" />
        <Kpi label="Risposte" value={formatInteger(today.answered)} testid="kpi-answered" />
        <Kpi label="Abbandonate" value={formatInteger(today.abandoned)} testid="kpi-abandoned" />
        <Kpi
          label={`Livello di servizio (obiettivo ${agency.serviceLevelTargetPct}% entro ${agency.serviceLevelSeconds} s)`}
          value={formatPct(today.serviceLevelPct)}
          tone={below ? 'bad' : today.serviceLevelPct === null ? undefined : 'good'}
          testid="kpi-sl"
        />
        <Kpi label="Tempo medio di risposta" value={formatSeconds(today.asaSeconds)} testid="kpi-asa" />
      </div>
      <QueueTable queues={queues} now={now} showAgency={false} />
    </section>
  );
}

function Kpi({ label, value, tone, testid }: { label: string; value: string; tone?: 'good' | 'bad' | 'busy'; testid?: string }) {
  return (
    <div class={`kpi ${tone ?? ''}`} data-testid={testid}>
      <div class="kpi-value">{value}</div>
      <div class="kpi-label">{label}</div>
    </div>
  );
}

function OperatorsPanel({ operators, now }: { operators: LiveOperator[]; now: number }) {
  const counts = new Map<string, { on_site: number; remote: number; unknown: number }>();
  for (const operator of operators) {
    const row = counts.get(operator.state) ?? { on_site: 0, remote: 0, unknown: 0 };
    const where =
      operator.location === 'on_site' || operator.location === 'sede'
        ? 'on_site'
        : operator.location === 'remote' || operator.location === 'remoto'
          ? 'remote'
          : 'unknown';
    row[where] += 1;
    counts.set(operator.state, row);
  }
  const states = [...PRESENCE_ORDER, ...[...counts.keys()].filter((state) => !PRESENCE_ORDER.includes(state))];
  const sorted = [...operators].sort((a, b) => PRESENCE_ORDER.indexOf(a.state) - PRESENCE_ORDER.indexOf(b.state) || a.displayName.localeCompare(b.displayName));
  return (
    <section class="card operators-panel" aria-labelledby="operators-title">
      <h2 id="operators-title">Operatori</h2>
      <TableScroll label="Operatori per stato">
        <table class="compact" aria-label="Operatori per stato e postazione">
          <thead>
            <tr>
              <th scope="col">Stato</th>
              <th scope="col" class="num">
                In sede
              </th>
              <th scope="col" class="num">
                Da remoto
              </th>
              <th scope="col" class="num">
                Totale
              </th>
            </tr>
          </thead>
          <tbody>
            {states.map((state) => {
              const row = counts.get(state) ?? { on_site: 0, remote: 0, unknown: 0 };
              return (
                <tr key={state} data-state={state}>
                  <td>
                    <span class={`dot-state ${state}`} aria-hidden="true" /> {PRESENCE_LABEL[state] ?? state}
                  </td>
                  <td class="num">{row.on_site}</td>
                  <td class="num">{row.remote}</td>
                  <td class="num strong">{row.on_site + row.remote + row.unknown}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <ul class="operator-list">
        {sorted.map((operator) => (
          <li key={operator.username} data-operator={operator.username}>
            <span class={`dot-state ${operator.state}`} aria-hidden="true" />
            <span class="name">{operator.displayName}</span>
            <span class="muted small">
              {PRESENCE_LABEL[operator.state] ?? operator.state}
              {operator.location ? ` · ${LOCATION_LABEL[operator.location] ?? operator.location}` : ''}
              {operator.since && operator.state !== 'offline' ? ` · da ${formatDuration(secondsSince(operator.since, now))}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
