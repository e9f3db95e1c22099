import type { ComponentChildren } from 'preact';
import type { AgencyConfig } from '../../../src/contracts/admin.ts';
import { navigate } from '../router.ts';
import { ADMIN_API, ADMIN_PATH } from './admin-paths.ts';
import { AddressesSection, NumbersSection, PortfoliosSection } from './agency-lists.tsx';
import { AgencyProfileForm } from './agency-profile-form.tsx';
import { CategoriesPanel } from './categories-panel.tsx';
import { ContractPanel } from './contract-panel.tsx';
import { DeliveryPanel } from './delivery-panel.tsx';
import { ReportMailPanel } from './report-mail-panel.tsx';
import { SchedulePanel } from './schedule-panel.tsx';
import { VoicePanel } from './voice-panel.tsx';
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
              <a key={section.id} href={`#${section.anchor}${section.id === 'contract' ? code : ''}`}>
                {section.label}
              </a>
            ))}
          </nav>
          <AgencyProfileForm config={config} readOnly={!canEdit} onSaved={onSaved} />
          <PortfoliosSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          <NumbersSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          <AddressesSection config={config} readOnly={!canEdit} onSaved={onSaved} />
          <ReadOnlyUnless canEdit={canEdit} label="Orari e festività">
            <SchedulePanel agency={code} />
          </ReadOnlyUnless>
          <ReadOnlyUnless canEdit={canEdit} label="Categorie">
            <CategoriesPanel agency={code} />
          </ReadOnlyUnless>
          <VoicePanel agency={code} canEdit={canEdit} />
          <DeliveryPanel agency={code} canEdit={canEdit} />
          <ContractPanel agency={code} canEdit={canEdit} />
          <ReportMailPanel agency={code} canEdit={canEdit} />
          {canEdit ? <AuditList agency={code} title="Modifiche a questo ente" revision={config} /> : null}
        </>
      ) : null}
    </div>
  );
}

const SECTIONS = [
  { id: 'profile', anchor: 'profile-title', label: 'Dati' },
  { id: 'portfolios', anchor: 'portfolios-title', label: 'Portafogli' },
  { id: 'numbers', anchor: 'numbers-title', label: 'Numeri' },
  { id: 'addresses', anchor: 'addresses-title', label: 'E-mail' },
  { id: 'schedule', anchor: 'schedule-next-days', label: 'Orari' },
  { id: 'categories', anchor: 'categories-title', label: 'Categorie' },
  { id: 'voice', anchor: 'voice-title', label: 'Testi vocali' },
  { id: 'delivery', anchor: 'delivery-title', label: 'Consegna' },
  { id: 'contract', anchor: 'contract-title-', label: 'Contratto' },
  { id: 'report-mail', anchor: 'report-mail-title', label: 'Report via e-mail' },
] as const;

/**
 * The panels that save through the API themselves: for a supervisor every control is disabled
 * (the server would refuse the change anyway), so that the page reads as what it is.
 */
function ReadOnlyUnless({ canEdit, label, children }: { canEdit: boolean; label: string; children: ComponentChildren }) {
  if (canEdit) return <>{children}</>;
  return (
    <fieldset class="read-only-panel" disabled aria-label={`${label} (sola lettura)`}>
      {children}
    </fieldset>
  );
}
