import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AdminArea } from './admin/admin-area.tsx';
import { ADMIN_PATH } from './admin/admin-paths.ts';
import { ApiError, get, post, setCsrfToken, whenUnauthenticated } from './api.ts';
import { ConnectionBadge } from './components/connection-badge.tsx';
import { useQuarantineCount } from './components/quarantine-count.ts';
import { useLive } from './hooks.ts';
import type { LiveStore } from './live-store.ts';
import { createLiveStore } from './live-store.ts';
import { ROLE_LABEL } from './format.ts';
import { navigate, usePath } from './router.ts';
import { AgencyScreen } from './screens/agency-screen.tsx';
import { CallbacksScreen } from './screens/callbacks-screen.tsx';
import { INCIDENTS_PATH, IncidentsScreen } from './screens/incidents-screen.tsx';
import { LoginScreen } from './screens/login-screen.tsx';
import { PasswordScreen } from './screens/password-screen.tsx';
import { OperatorScreen } from './screens/operator-screen.tsx';
import { QuarantineScreen } from './screens/quarantine-screen.tsx';
import { StatementsScreen } from './screens/statements-screen.tsx';
import { TicketsArea } from './screens/tickets-screen.tsx';
import { TICKETS_SCREEN_PATH } from './tickets/ticket-paths.ts';
import { WallboardScreen } from './screens/wallboard-screen.tsx';
import { WALLBOARD_TV_PATH, WallboardTv } from './screens/wallboard-tv.tsx';
import type { WhoAmI } from '../../src/contracts/auth.ts';
import type { Session, User } from './session.ts';
import { homePath, isStaff, isSupervisor } from './session.ts';

type Screen = { path: string; label: string; allowed: (user: User) => boolean };

const SCREENS: readonly Screen[] = [
  { path: '/operatore', label: 'Postazione', allowed: isStaff },
  { path: '/wallboard', label: 'Wallboard', allowed: isStaff },
  { path: '/richiamate', label: 'Richiamate', allowed: isStaff },
  { path: INCIDENTS_PATH, label: 'Guasti', allowed: isStaff },
  { path: '/agenzia', label: 'Segnalazioni', allowed: () => true },
  { path: TICKETS_SCREEN_PATH, label: 'Cerca', allowed: () => true },
  { path: '/report', label: 'Report', allowed: (user) => isSupervisor(user) || user.role === 'agency' },
  { path: '/quarantena', label: 'Quarantena', allowed: isSupervisor },
  { path: '/prospetti', label: 'Prospetti', allowed: isSupervisor },
  { path: ADMIN_PATH, label: 'Amministrazione', allowed: isSupervisor },
];

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    whenUnauthenticated(() => setSession(null));
    get<WhoAmI>('/api/v1/auth/me')
      .then((me) => ('user' in me ? start({ user: me.user, csrfToken: me.csrfToken }) : setSession(null)))
      .catch(() => setSession(null));
  }, []);

  function start(next: Session) {
    setCsrfToken(next.csrfToken);
    setSession(next);
  }

  if (session === undefined) return <div class="splash">Caricamento…</div>;
  if (session === null)
    return (
      <LoginScreen
        onLogin={(next) => {
          start(next);
          navigate(homePath(next.user));
        }}
      />
    );
  const loggedOut = () => {
    setCsrfToken(null);
    setSession(null);
    navigate('/');
  };
  if (session.user.mustChangePassword)
    return (
      <PasswordScreen
        user={session.user}
        onChanged={(next) => {
          start(next);
          navigate(homePath(next.user));
        }}
        onLogout={() => void post('/api/v1/auth/logout').finally(loggedOut)}
      />
    );
  return <Shell session={session} onLogout={loggedOut} />;
}

function Shell({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const { user } = session;
  const store = useMemo(() => createLiveStore(), [user.id]);
  useEffect(() => {
    store.whenUnauthenticated(onLogout);
    store.start();
    return () => store.stop();
  }, [store]);
  const path = usePath();
  // On a phone the navigation folds behind a menu button; it closes again on every move.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const screens = SCREENS.filter((screen) => screen.allowed(user));
  const quarantined = useQuarantineCount(store, isSupervisor(user));
  const current = screens.find((screen) => path === screen.path || path.startsWith(`${screen.path}/`));
  useEffect(() => {
    if (!current) navigate(homePath(user));
  }, [current, user]);

  // The wall's screen: the whole page, no navigation (the session and the live store stay).
  if (path === WALLBOARD_TV_PATH && current)
    return (
      <main class="tv-main">
        <WallboardTv store={store} />
      </main>
    );

  async function logout() {
    try {
      await post('/api/v1/auth/logout');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    onLogout();
  }

  return (
    <div class="shell">
      <header class="topbar">
        <a
          class="brand"
          href={homePath(user)}
          onClick={(event) => {
            event.preventDefault();
            navigate(homePath(user));
          }}
        >
          Centralino
        </a>
        <button
          type="button"
          class="ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
          data-testid="menu-toggle"
        >
          Menu
        </button>
        <nav id="main-nav" class={menuOpen ? 'open' : undefined} aria-label="Schermate">
          {screens.map((screen) => (
            <a
              key={screen.path}
              href={screen.path}
              aria-current={screen === current ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(screen.path);
              }}
            >
              {screen.label}
              {screen.path === '/quarantena' && quarantined ? (
                <span class="count nav-count">
                  {quarantined}
                  <span class="sr-only"> {quarantined === 1 ? 'messaggio in attesa' : 'messaggi in attesa'}</span>
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <LiveBadge store={store} />
        <span class="who" title={user.username}>
          {user.displayName} <small>{ROLE_LABEL[user.role]}</small>
        </span>
        <button type="button" class="ghost" onClick={() => void logout()}>
          Esci
        </button>
      </header>
      <main>{current ? <ScreenFor path={current.path} user={user} store={store} /> : null}</main>
    </div>
  );
}

function LiveBadge({ store }: { store: LiveStore }) {
  const live = useLive(store);
  return <ConnectionBadge connection={live.connection} />;
}

function ScreenFor({ path, user, store }: { path: string; user: User; store: LiveStore }) {
  if (path === '/operatore') return <OperatorScreen user={user} store={store} />;
  if (path === '/wallboard') return <WallboardScreen store={store} />;
  if (path === '/richiamate') return <CallbacksScreen user={user} store={store} />;
  if (path === INCIDENTS_PATH) return <IncidentsScreen store={store} />;
  if (path === '/agenzia') return <AgencyScreen user={user} store={store} />;
  if (path === '/report') return <LazyReports user={user} store={store} />;
  if (path === '/quarantena') return <QuarantineWithAgencies store={store} />;
  if (path === TICKETS_SCREEN_PATH) return <TicketsArea user={user} store={store} />;
  if (path === '/prospetti') return <StatementsWithAgencies user={user} store={store} />;
  if (path === ADMIN_PATH) return <AdminArea user={user} store={store} />;
  return null;
}

/** Statements need the agencies' names and the platform's date (which may run on a demo clock). */
function StatementsWithAgencies({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const agencies = [...live.agencies.values()];
  // The quarter proposed follows the platform's date (a demo clock may differ from the browser's): wait for it.
  if (!live.ready) return <p class="muted">Caricamento dei prospetti…</p>;
  const today = agencies[0]?.today?.date ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
  return <StatementsScreen user={user} agencyNames={Object.fromEntries(agencies.map((agency) => [agency.code, agency.name]))} today={today} />;
}

function QuarantineWithAgencies({ store }: { store: LiveStore }) {
  const live = useLive(store);
  return <QuarantineScreen agencies={[...live.agencies.values()]} />;
}

/** The report screen and its chart library are fetched only when a report is opened. */
function LazyReports({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const names = Object.fromEntries([...live.agencies.values()].map((agency) => [agency.code, agency.name]));
  const portfolios = Object.fromEntries([...live.agencies.values()].map((agency) => [agency.code, agency.portfolios]));
  const today = [...live.agencies.values()][0]?.today?.date;
  const [Screen, setScreen] = useState<ComponentType<{
    user: User;
    agencyNames: Record<string, string>;
    agencyPortfolios?: Record<string, readonly { id: string; name: string }[]>;
    today?: string;
  }> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./screens/reports-screen.tsx').then((module) => setScreen(() => module.ReportsScreen)).catch(() => setFailed(true));
  }, []);
  if (failed) return <p class="notice error">Impossibile caricare i report: ricarica la pagina.</p>;
  // The default period starts from the platform's date (a demo clock may differ from the browser's): wait for it.
  return Screen && live.ready ? (
    <Screen user={user} agencyNames={names} agencyPortfolios={portfolios} today={today} />
  ) : (
    <p class="muted">Caricamento report…</p>
  );
}
