import type { Delivery, DeliveryTarget } from '../../contracts/delivery.ts';
import type { DeliveryRow, DeliveryTargetRow } from './delivery-repo.ts';

/** A delivery as the API and the dashboards see it (its payload and attempt log only on the detail). */
export function publicDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    agency: row.agencyCode,
    ticket: row.ticketRef,
    targetId: row.targetId,
    kind: row.kind,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    giveUpAt: row.giveUpAt.toISOString(),
    lastError: row.lastError,
    lastStatusCode: row.lastStatusCode,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

export function publicTarget(row: DeliveryTargetRow): DeliveryTarget {
  return {
    id: row.id,
    agency: row.agencyCode,
    portfolio: row.portfolioId,
    category: row.category,
    kind: row.kind,
    label: row.label,
    url: row.url,
    emailTo: row.emailTo,
    active: row.active,
    hasSecret: Boolean(row.secret),
    createdAt: row.createdAt.toISOString(),
  };
}
