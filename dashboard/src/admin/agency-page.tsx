import type { AgencyConfig } from '../../../src/contracts/admin.ts';
import { navigate } from '../router.ts';
import { ADMIN_API, ADMIN_PATH } from './admin-paths.ts';
import { AddressesSection, NumbersSection, PortfoliosSection } from './agency-lists.tsx';
import { AgencyProfileForm } from './agency-profile-form.tsx';
import { AuditList } from './audit-list.tsx';
import { useResource } from './use-resource.ts';

/**
 * One agency's whole configuration, a card per part. Each card saves its own part, so that a
 * mistake in the numbers never blocks a change of the opening hours. Supervisors read it.
 */
export function AgencyPage({ code, canEdit }: { code: string; canEdit: boolean }) {
  const { data: config, setData, error } = useResource<AgencyConfig>(ADMIN_API.agency(code));
  const onSaved = (next: AgencyConfig) => setData(next);
  return (
    <div class="admin-agency">
      <p>
        <a
          class="back-link"
          href={ADMIN_PATH}
          onClick={(event) => {
            event.preventDefault();
            navigate(ADMIN_PATH);
          }}
        >
          ← Tutti gli enti
        </a>
      </p>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {config === null && !error ? <p class="muted">Caricamento…</p> : null}
      {config ? (
        <>
          <h2>{config.name}</h2>
          {canEdit ? null : <p class="notice info">Sola lettura: le modifiche sono riservate agli amministratori.</p>}
          <nav class="section-links" aria-label="Parti della configurazione">
            {SECTIONS.map((section) => (
              <a key={section.id} href={`#${section.id}-title`}>
                {section.label}
              </a>
            ))}
          </nav>
          <AgencyProfileForm config={config} readOnly={!canEdit} onSaved={onSaved} />
          <PortfoliosSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          <NumbersSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          <AddressesSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          {canEdit ? <AuditList agency={code} title="Modifiche a questo ente" revision={config} /> : null}
        </>
      ) : null}
    </div>
  );
}

const SECTIONS = [
  { id: 'profile', label: 'Dati' },
  { id: 'portfolios', label: 'Portafogli' },
  { id: 'numbers', label: 'Numeri' },
  { id: 'addresses', label: 'E-mail' },
] as const;
