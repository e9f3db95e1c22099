import { useLive } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import type { User } from '../session.ts';
import { navigate, usePath } from '../router.ts';
import { ADMIN_PATH, ADMIN_TABS, agencyOfPath } from './admin-paths.ts';
import { AgenciesList } from './agencies-list.tsx';
import { AgencyPage } from './agency-page.tsx';
import { AuditList } from './audit-list.tsx';
import { OperatorQueuesPanel } from './operator-queues-panel.tsx';
import { TokensPanel } from './tokens-panel.tsx';
import { UsersPanel } from './users-panel.tsx';

/**
 * Running the call center without a developer: agencies and their configuration, users, tokens,
 * who answers which queue, and the trail of every change. Administrators change; supervisors read
 * what their agencies allow, and narrow the queues of the operators they share.
 */
export function AdminArea({ user, store }: { user: User; store: LiveStore }) {
  const path = usePath();
  const live = useLive(store);
  const canEdit = user.role === 'admin';
  const agency = agencyOfPath(path);
  const tabs = ADMIN_TABS.filter((tab) => canEdit || !('adminOnly' in tab));
  const current = agency ? tabs[0] : (tabs.find((tab) => tab.path === path) ?? tabs[0]);
  return (
    <div class="admin-area">
      <nav class="admin-tabs" aria-label="Amministrazione">
        {tabs.map((tab) => (
          <a
            key={tab.path}
            href={tab.path}
            aria-current={tab === current ? 'page' : undefined}
            onClick={(event) => {
              event.preventDefault();
              navigate(tab.path);
            }}
          >
            {tab.label}
          </a>
        ))}
      </nav>
      {agency ? <AgencyPage code={agency} canEdit={canEdit} /> : null}
      {!agency && current.path === ADMIN_PATH ? <AgenciesList canCreate={canEdit} /> : null}
      {current.path === `${ADMIN_PATH}/utenti` ? <UsersPanel canEdit={canEdit} /> : null}
      {current.path === `${ADMIN_PATH}/code` ? <OperatorQueuesPanel agencies={[...live.agencies.values()]} /> : null}
      {current.path === `${ADMIN_PATH}/token` ? <TokensPanel canEdit={canEdit} /> : null}
      {current.path === `${ADMIN_PATH}/registro` ? <AuditList title="Registro delle modifiche" /> : null}
    </div>
  );
}
