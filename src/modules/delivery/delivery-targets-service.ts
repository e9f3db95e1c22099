import { randomUUID } from 'node:crypto';
import type { DeliveryTarget, DeliveryTestResult } from '../../contracts/delivery.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import { activeCategories } from '../../domain/categories.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, notFound, validation } from '../../domain/errors.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { MailSenderWithReceipt } from '../outbox/mail-sender.ts';
import * as repo from './delivery-repo.ts';
import type { DeliveryTargetRow, NewDeliveryTargetRow } from './delivery-repo.ts';
import { testMail, testWebhook } from './delivery-test-send.ts';
import { publicTarget } from './delivery-view.ts';

export type DeliveryTargetsDeps = Readonly<{
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  /** The configuration audit trail, written in the change's own transaction. */
  audit: AuditPort;
  /** The outbox's SMTP transport, answering the server's reply line; null without SMTP. */
  mailWithReceipt: MailSenderWithReceipt | null;
}>;

export type DeliveryTargetsService = ReturnType<typeof createDeliveryTargetsService>;

export type NewTargetInput = Readonly<{
  agency: string;
  portfolio?: string | null;
  category?: string | null;
  kind: 'webhook' | 'email';
  label: string;
  url?: string;
  secret?: string;
  emailTo?: string;
}>;

export type TargetChanges = Readonly<
  Partial<{ portfolio: string | null; category: string | null; label: string; url: string; secret: string; emailTo: string; active: boolean }>
>;

/** Test sends per target per minute, per node: enough to fix a setting and try again, too few to probe a network with. */
const TESTS_PER_MINUTE = 5;

const generatedSecret = () => randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');

/**
 * Where each agency's tickets go, as administrators set it: add, change, disable (never delete: the
 * deliveries name their target), and send a test delivery that answers what the endpoint said.
 * Every change and every test send is written to the audit trail.
 */
export function createDeliveryTargetsService(deps: DeliveryTargetsDeps) {
  const { db, clock, directory, audit } = deps;
  const recentTests = new Map<string, number[]>();

  /** A category the agency offers now, and a portfolio of its own: anything else would never receive a ticket. */
  function assertScope(agencyCode: string, scope: { portfolio?: string | null; category?: string | null }): void {
    const agency = directory.agency(agencyCode);
    if (!agency) throw notFound('Agency');
    if (scope.category && !activeCategories(agency.categories).some((category) => category.code === scope.category)) {
      throw new AppError('CATEGORY_UNKNOWN', `${agencyCode} has no active category ${scope.category}`);
    }
    if (scope.portfolio && !agency.portfolios.some((portfolio) => portfolio.id === scope.portfolio)) {
      throw new AppError('PORTFOLIO_UNKNOWN', `${agencyCode} has no portfolio ${scope.portfolio}`);
    }
  }

  async function ownTarget(actor: Actor, id: string): Promise<DeliveryTargetRow> {
    const row = await repo.findTarget(db, id);
    if (!row) throw notFound('Delivery target');
    assertCanSeeAgency(actor, row.agencyCode, 'Delivery target');
    return row;
  }

  function assertTestAllowed(targetId: string, now: number): void {
    const recent = (recentTests.get(targetId) ?? []).filter((at) => at > now - 60_000);
    if (recent.length >= TESTS_PER_MINUTE) throw new AppError('RATE_LIMITED', `At most ${TESTS_PER_MINUTE} test deliveries a minute per target`);
    recentTests.set(targetId, [...recent, now]);
  }

  /**
   * Changes a target's destination, scope or label, or turns it on or off. The scope is checked
   * again when it changes or the target comes back on: a retired category receives nothing.
   */
  async function updateTarget(actor: Actor, id: string, changes: TargetChanges): Promise<DeliveryTarget> {
    assertRole(actor, 'admin');
    const current = await ownTarget(actor, id);
    if (changes.url !== undefined && current.kind !== 'webhook')
      throw validation('Only a webhook target has a url', [{ path: 'url', message: 'webhook only' }]);
    if (changes.secret !== undefined && current.kind !== 'webhook')
      throw validation('Only a webhook target has a secret', [{ path: 'secret', message: 'webhook only' }]);
    if (changes.emailTo !== undefined && current.kind !== 'email')
      throw validation('Only an e-mail target has emailTo', [{ path: 'emailTo', message: 'e-mail only' }]);
    const reactivated = changes.active === true && !current.active;
    const category = changes.category !== undefined ? changes.category : current.category;
    const portfolio = changes.portfolio !== undefined ? changes.portfolio : current.portfolioId;
    assertScope(current.agencyCode, {
      category: reactivated || (changes.category !== undefined && changes.category !== current.category) ? category : null,
      portfolio: reactivated || (changes.portfolio !== undefined && changes.portfolio !== current.portfolioId) ? portfolio : null,
    });
    const set: Partial<NewDeliveryTargetRow> = {};
    if (changes.portfolio !== undefined) set.portfolioId = changes.portfolio;
    if (changes.category !== undefined) set.category = changes.category;
    if (changes.label !== undefined) set.label = changes.label;
    if (changes.url !== undefined) set.url = changes.url;
    if (changes.secret !== undefined) set.secret = changes.secret;
    if (changes.emailTo !== undefined) set.emailTo = changes.emailTo;
    if (changes.active !== undefined) set.active = changes.active;
    if (Object.keys(set).length === 0) return publicTarget(current);
    return db.transaction(async (tx) => {
      const updated = (await repo.updateTarget(tx, id, set))!;
      const before = publicTarget(current);
      const after = publicTarget(updated);
      // A new secret shows nowhere in the public view: the trail says it changed, never what it is.
      const secretChanged = changes.secret !== undefined && changes.secret !== current.secret;
      if (JSON.stringify(before) !== JSON.stringify(after) || secretChanged) {
        await audit.record(tx, actor, {
          action: 'delivery_target.update',
          target: { kind: 'delivery_target', id },
          agency: current.agencyCode,
          before,
          after: secretChanged ? { ...after, secretChanged: true } : after,
        });
      }
      return after;
    });
  }

  return {
    updateTarget,

    async listTargets(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'supervisor', 'admin');
      const rows = await repo.listTargets(db, scopeAgencies(actor, query.agency));
      return { items: rows.map(publicTarget) };
    },

    /** Admins point an agency's tickets at an office. A webhook without a secret gets a generated one, shown once. */
    async createTarget(actor: Actor, input: NewTargetInput) {
      assertRole(actor, 'admin');
      assertCanSeeAgency(actor, input.agency, 'Agency');
      assertScope(input.agency, input);
      if (input.kind === 'webhook' && !input.url) throw validation('A webhook target needs a url', [{ path: 'url', message: 'required' }]);
      if (input.kind === 'email' && !input.emailTo) throw validation('An e-mail target needs emailTo', [{ path: 'emailTo', message: 'required' }]);
      const secret = input.kind === 'webhook' ? (input.secret ?? generatedSecret()) : null;
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertTarget(tx, {
          agencyCode: input.agency,
          portfolioId: input.portfolio ?? null,
          category: input.category ?? null,
          kind: input.kind,
          label: input.label,
          url: input.kind === 'webhook' ? input.url : null,
          secret,
          emailTo: input.kind === 'email' ? input.emailTo : null,
          createdAt: clock.now(),
        });
        await audit.record(tx, actor, {
          action: 'delivery_target.create',
          target: { kind: 'delivery_target', id: inserted.id },
          agency: input.agency,
          before: null,
          after: publicTarget(inserted),
        });
        return inserted;
      });
      return { ...publicTarget(row), ...(secret && !input.secret ? { secret } : {}) };
    },

    /** Kept for existing clients: DELETE turns the target off (its deliveries keep naming it). */
    disableTarget(actor: Actor, id: string): Promise<DeliveryTarget> {
      return updateTarget(actor, id, { active: false });
    },

    /**
     * Sends a clearly marked test to the target now, outside the outbox (no ticket, no retry), and
     * answers what the endpoint or the SMTP server said. Administrators, and supervisors of the
     * agency: both read the targets and look after deliveries. A disabled target can be tested
     * before it is turned back on.
     */
    async testTarget(actor: Actor, id: string): Promise<DeliveryTestResult> {
      assertRole(actor, 'supervisor', 'admin');
      const target = await ownTarget(actor, id);
      const started = clock.now();
      assertTestAllowed(id, started.getTime());
      const testId = randomUUID();
      const destination = (target.kind === 'webhook' ? target.url : target.emailTo) ?? '';
      const startedAt = performance.now();
      const outcome =
        target.kind === 'webhook'
          ? await testWebhook({
              url: target.url!,
              secret: target.secret ?? '',
              body: JSON.stringify({
                id: testId,
                type: 'delivery.test',
                test: true,
                occurredAt: started.toISOString(),
                agency: target.agencyCode,
                target: { id: target.id, label: target.label, portfolio: target.portfolioId, category: target.category },
                message: 'Consegna di prova inviata da Centralino: non è una segnalazione e non richiede alcuna azione.',
              }),
              idempotencyKey: testId,
              eventType: 'delivery.test',
              timestamp: String(Math.floor(started.getTime() / 1000)),
            })
          : await testMail(deps.mailWithReceipt, {
              to: destination,
              subject: '[PROVA] Consegna di prova da Centralino',
              text: [
                'Questo è un messaggio di prova inviato da Centralino per verificare la consegna delle segnalazioni a questo indirizzo.',
                '',
                `Destinazione: ${target.label}`,
                `Richiesto da: ${actor.name}`,
                '',
                'Non è una segnalazione e non richiede alcuna azione.',
              ].join('\n'),
              messageId: `<test-${testId}@centralino>`,
              headers: { 'X-Centralino-Test': 'true', 'X-Centralino-Delivery-Target': target.id },
            });
      const result: DeliveryTestResult = {
        targetId: target.id,
        kind: target.kind,
        destination,
        ...outcome,
        durationMs: Math.round(performance.now() - startedAt),
        at: started.toISOString(),
      };
      await audit.record(db, actor, {
        action: 'delivery_target.test',
        target: { kind: 'delivery_target', id: target.id },
        agency: target.agencyCode,
        before: null,
        after: { ok: result.ok, destination, statusCode: result.statusCode, smtpResponse: result.smtpResponse, summary: result.summary },
      });
      return result;
    },
  };
}
