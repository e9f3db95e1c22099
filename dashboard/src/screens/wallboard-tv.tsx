import { useEffect, useState } from 'preact/hooks';
import type { LiveAgency, LiveOperator } from '../../../src/contracts/live.ts';
import type { Tone } from '../../../src/domain/wall-tones.ts';
import { abandonTone, overdueTone, serviceLevelTone, waitTone } from '../../../src/domain/wall-tones.ts';
import type { Backlog } from '../components/backlog-counts.ts';
import { useBacklogs } from '../components/backlog-counts.ts';
import { ConnectionBadge } from '../components/connection-badge.tsx';
import { PRESENCE_LABEL, formatDuration, formatInteger, formatPct } from '../format.ts';
import { secondsSince, useLive, useServerNow } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import type { PortfolioWait, QueueView } from '../live-view.ts';
import { queueViews, waitingByPortfolio } from '../live-view.ts';
import { navigate } from '../router.ts';

export const WALLBOARD_TV_PATH = '/wallboard/tv';
const THEME_KEY = 'centralino.wall-theme';
const STATES = ['available', 'on_call', 'wrap_up', 'break'] as const;

/**
 * The wallboard for a wall: full screen, no navigation, type readable from three metres, dark or
 * light. Per agency: who waits now and for how long, today's service level and abandon rate, the
 * call-backs owed (overdue in red) and the e-mails nobody took yet; then the operators by state and
 * site. Colours follow src/domain/wall-tones.ts, with the word beside each so colour is never alone.
 */
export function WallboardTv({ store }: { store: LiveStore }) {
  const live = useLive(store);
  const now = useServerNow(live.clockOffsetMs);
  const agencies = [...live.agencies.values()];
  const queues = queueViews(live);
  const backlogs = useBacklogs(
    store,
    agencies.map((agency) => agency.code),
  );
  const [theme, setTheme] = useState<'dark' | 'light'>(() => (localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark'));
  useEffect(() => localStorage.setItem(THEME_KEY, theme), [theme]);

  if (!live.ready) return <p class="muted">Caricamento della situazione in tempo reale…</p>;
  return (
    <div class={`wall-tv ${theme}`} data-testid="wall-tv">
      <header class="wall-tv-head">
        <h1>Centralino · situazione in tempo reale</h1>
        <time class="wall-clock" dateTime={new Date(now).toISOString()}>
          {new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(now)}
        </time>
        <div class="wall-tv-actions">
          {/* A wall that stopped updating must say so: the same badge as the top bar's. */}
          <ConnectionBadge connection={live.connection} />
          <button type="button" class="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
            {theme === 'dark' ? 'Tema chiaro' : 'Tema scuro'}
          </button>
          <a
            href="/wallboard"
            onClick={(event) => {
              event.preventDefault();
              navigate('/wallboard');
            }}
          >
            Esci dallo schermo TV
          </a>
        </div>
      </header>
      <div class="wall-tv-grid">
        {agencies.map((agency) => (
          <AgencyTile
            key={agency.code}
            agency={agency}
            queues={queues.filter((queue) => queue.agency.code === agency.code)}
            backlog={backlogs[agency.code]}
            now={now}
          />
        ))}
        {live.operators ? <OperatorsTile operators={[...live.operators.values()]} /> : null}
      </div>
    </div>
  );
}

function AgencyTile(props: { agency: LiveAgency; queues: QueueView[]; backlog: Backlog | undefined; now: number }) {
  const { thresholds } = props.agency;
  const { agency, queues, backlog, now } = props;
  const waiting = queues.reduce((sum, queue) => sum + queue.waiting.length, 0);
  const oldest = queues.map((queue) => queue.oldestEnqueuedAt).filter((at): at is string => at !== null);
  const longest = oldest.length > 0 ? Math.max(...oldest.map((at) => secondsSince(at, now))) : null;
  const { today } = agency;
  return (
    <section class="wall-tile" aria-labelledby={`tv-${agency.code}`} data-agency={agency.code}>
      <h2 id={`tv-${agency.code}`}>{agency.name}</h2>
      <dl class="wall-figures">
        <Figure
          label="In attesa ora"
          value={formatInteger(waiting)}
          tone={waiting > 0 ? waitTone(longest, thresholds.waitAlertSeconds) : 'ok'}
          testid="tv-waiting"
        />
        <Figure label="Attesa più lunga" value={longest === null ? '—' : formatDuration(longest)} tone={waitTone(longest, thresholds.waitAlertSeconds)} />
        <Figure
          label={`Livello di servizio oggi (obiettivo ${agency.serviceLevelTargetPct}%)`}
          value={formatPct(today.serviceLevelPct)}
          tone={serviceLevelTone(today.serviceLevelPct, agency.serviceLevelTargetPct)}
          testid="tv-sl"
        />
        <Figure
          label="Abbandoni oggi"
          value={formatPct(today.abandonRatePct)}
          tone={abandonTone(today.abandonRatePct, { amberPct: thresholds.abandonAmberPct, redPct: thresholds.abandonRedPct })}
          testid="tv-abandon"
        />
        <Figure
          label="Richiamate da fare (scadute)"
          value={backlog ? `${formatInteger(backlog.callbacks)} (${formatInteger(backlog.overdue)})` : '…'}
          tone={backlog ? overdueTone(backlog.overdue) : null}
          testid="tv-callbacks"
        />
        <Figure
          label="E-mail da prendere"
          value={backlog ? `${formatInteger(backlog.emails)}${backlog.emailsCapped ? '+' : ''}` : '…'}
          tone={null}
          testid="tv-emails"
        />
        {agency.incidents ? (
          <Figure
            label="Guasti di stabile aperti (chiamate risolte oggi)"
            value={`${formatInteger(agency.incidents.open)} (${formatInteger(agency.incidents.callsAnsweredToday)})`}
            tone={null}
            testid="tv-incidents"
          />
        ) : null}
      </dl>
      <PortfolioLines rows={waitingByPortfolio(agency, queues, now)} alertSeconds={thresholds.waitAlertSeconds} />
    </section>
  );
}

/** Who waits for which housing stock, for an agency that manages some for others. */
function PortfolioLines({ rows, alertSeconds }: { rows: readonly PortfolioWait[]; alertSeconds: number }) {
  if (rows.length === 0) return null;
  return (
    <table class="wall-portfolios" data-testid="tv-portfolios">
      <caption>In attesa per patrimonio</caption>
      <thead>
        <tr>
          <th scope="col">Patrimonio</th>
          <th scope="col">In attesa</th>
          <th scope="col">Attesa più lunga</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const tone = row.waiting > 0 ? waitTone(row.longestSeconds, alertSeconds) : null;
          return (
            <tr key={row.id ?? 'own'} class={tone && tone !== 'ok' ? tone : undefined}>
              <th scope="row">{row.name}</th>
              <td>{formatInteger(row.waiting)}</td>
              <td>
                {row.longestSeconds === null ? '—' : formatDuration(row.longestSeconds)}
                {tone && tone !== 'ok' ? <span class="sr-only"> ({TONE_WORD[tone]})</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const TONE_WORD: Readonly<Record<Tone, string>> = { ok: 'nella norma', amber: 'attenzione', red: 'intervenire' };

function Figure({ label, value, tone, testid }: { label: string; value: string; tone: Tone | null; testid?: string }) {
  return (
    <div class={`wall-figure ${tone ?? ''}`} data-testid={testid} data-tone={tone ?? undefined}>
      <dt>{label}</dt>
      <dd>
        <span class="wall-value">{value}</span>
        {tone && tone !== 'ok' ? <span class="wall-tone">{TONE_WORD[tone]}</span> : null}
      </dd>
    </div>
  );
}

function OperatorsTile({ operators }: { operators: LiveOperator[] }) {
  const count = (state: string, site?: string) =>
    operators.filter((operator) => operator.state === state && (site === undefined || operator.location === site)).length;
  return (
    <section class="wall-tile operators" aria-labelledby="tv-operators">
      <h2 id="tv-operators">Operatori</h2>
      <table class="wall-operators">
        <thead>
          <tr>
            <th scope="col">Stato</th>
            <th scope="col">In sede</th>
            <th scope="col">Da remoto</th>
          </tr>
        </thead>
        <tbody>
          {STATES.map((state) => (
            <tr key={state} data-state={state}>
              <th scope="row">
                <span class={`dot-state ${state}`} aria-hidden="true" /> {PRESENCE_LABEL[state] ?? state}
              </th>
              <td>{count(state, 'on_site')}</td>
              <td>{count(state, 'remote')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
