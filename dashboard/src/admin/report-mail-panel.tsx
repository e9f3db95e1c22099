import { useEffect, useState } from 'preact/hooks';
import type { AgencyReportMail } from '../../../src/contracts/report-mail.ts';
import { put } from '../api.ts';
import { Loaded } from '../components/loaded.tsx';
import { TableScroll } from '../components/table-scroll.tsx';
import { ADMIN_API } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { useResource, useSave } from './use-resource.ts';

const KIND_LABEL: Record<AgencyReportMail['recent'][number]['kind'], string> = { monthly_report: 'Rapporto mensile', statement_draft: 'Bozza del prospetto' };
const STATUS_LABEL: Record<AgencyReportMail['recent'][number]['status'], string> = {
  pending: 'in attesa di un nuovo tentativo',
  delivering: 'in invio',
  delivered: 'consegnato al server di posta',
  dead: 'non consegnato',
  held: 'trattenuto: SMTP non configurato',
};

const lines = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * Who receives the agency's reports by themselves: its liaison the previous month's call report
 * (figures and CSV), the supervisors the draft of the quarter just ended. Below, what was sent.
 */
export function ReportMailPanel({ agency, canEdit }: { agency: string; canEdit: boolean }) {
  const { data, setData, error } = useResource<AgencyReportMail>(ADMIN_API.agencyPart(agency, 'report-mail'));
  const [monthly, setMonthly] = useState('');
  const [drafts, setDrafts] = useState('');
  const { state, run } = useSave();
  useEffect(() => {
    if (!data) return;
    setMonthly(data.recipients.monthlyReport.join('\n'));
    setDrafts(data.recipients.statementDraft.join('\n'));
  }, [data]);

  async function save(event: Event) {
    event.preventDefault();
    const saved = await run(
      () => put<AgencyReportMail>(ADMIN_API.agencyPart(agency, 'report-mail'), { monthlyReport: lines(monthly), statementDraft: lines(drafts) }),
      'Destinatari salvati: i prossimi invii li seguono.',
    );
    if (saved) setData(saved);
  }

  return (
    <section class="card admin-section" aria-labelledby="report-mail-title">
      <h2 id="report-mail-title">Report via e-mail</h2>
      <p class="muted small">
        Ogni mese il referente dell'ente riceve il rapporto chiamate del mese precedente (con il CSV); a fine trimestre i supervisori ricevono la bozza del
        prospetto da emettere. Un indirizzo per riga; nessun indirizzo, nessun invio.
      </p>
      <Loaded data={data} error={error}>
        {(data) => (
          <>
            <form class="admin-form" onSubmit={(event) => void save(event)} aria-label="Destinatari dei report via e-mail">
              <fieldset disabled={!canEdit}>
                <label for="report-mail-monthly">Rapporto mensile: referenti dell'ente</label>
                <textarea id="report-mail-monthly" rows={3} value={monthly} onInput={(event) => setMonthly(event.currentTarget.value)} />
                <label for="report-mail-drafts">Bozza del prospetto trimestrale: supervisori</label>
                <textarea id="report-mail-drafts" rows={3} value={drafts} onInput={(event) => setDrafts(event.currentTarget.value)} />
                {canEdit ? (
                  <div>
                    <button type="submit" class="primary" disabled={state.busy}>
                      Salva i destinatari
                    </button>
                  </div>
                ) : null}
              </fieldset>
            </form>
            <SaveStatus state={state} />
            <h3>Ultimi invii</h3>
            {data.recent.length === 0 ? (
              <p class="muted">Nessun invio finora: il primo parte all'inizio del prossimo mese, se c'è almeno un destinatario.</p>
            ) : (
              <TableScroll label="Ultimi report inviati via e-mail">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Report</th>
                      <th scope="col">Periodo</th>
                      <th scope="col">Destinatario</th>
                      <th scope="col">Stato</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.recent.map((mailing) => (
                      <tr key={`${mailing.kind}-${mailing.period}-${mailing.to}`}>
                        <td>{KIND_LABEL[mailing.kind]}</td>
                        <td>{mailing.period}</td>
                        <td>{mailing.to}</td>
                        <td>
                          {STATUS_LABEL[mailing.status]}
                          {mailing.lastError && mailing.status !== 'delivered' ? <span class="small muted"> ({mailing.lastError})</span> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
