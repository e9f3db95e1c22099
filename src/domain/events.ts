/**
 * Domain events: what happened, published after the transaction that made it true has committed.
 * Every event names its agency so that the realtime layer can deliver it to that agency's rooms only.
 *
 * `DomainEvent` is a union discriminated by `type`: checking the type gives a listener (and the
 * dashboard, through the socket contract) the payload's own type, with no cast. Payload shapes are
 * the API's (src/contracts): a call in an event is the call the API answers.
 */
import type { Callback } from '../contracts/callbacks.ts';
import type { Call } from '../contracts/calls.ts';
import type { Delivery } from '../contracts/delivery.ts';
import type { Incident } from '../contracts/incidents.ts';
import type { IssuedStatementNotice, QuarantinedEmailNotice, ReceivedEmailNotice } from '../contracts/events.ts';
import type { AgencyToday } from '../contracts/live.ts';
import type { Operator } from '../contracts/operators.ts';
import type { TicketEvent, TicketSummary } from '../contracts/tickets.ts';

/** Every event type and what its `data` holds. */
export type EventPayloads = {
  /** A call reached an open agency's menu. */
  'call.ringing': { call: Call };
  /** The caller chose (or was given) a queue and waits. */
  'call.queued': { call: Call };
  /** An operator took the call: `operator` is their username. */
  'call.bridged': { call: Call; operator: string | null };
  /** The conversation (or the call) ended: the operator goes to wrap-up. */
  'call.ended': { call: Call };
  /** The call's outcome is final (answered, abandoned, out of hours, …). */
  'call.settled': { call: Call; reconciled?: boolean };
  /** The operator (or a supervisor) closed the call's wrap-up with an outcome code (`call.wrapUpCode`). */
  'call.outcome': { call: Call; operator: string | null };
  'ticket.created': { ticket: TicketSummary };
  /** `change` is the history line that moved it, when there is one. */
  'ticket.changed': { ticket: TicketSummary; change?: TicketEvent };
  'callback.created': { callback: Callback };
  'callback.changed': { callback: Callback };
  'delivery.delivered': { delivery: Delivery };
  'delivery.dead': { delivery: Delivery };
  /** A supervisor sent a dead letter again. */
  'delivery.requeued': { delivery: Delivery; by: string };
  /** One event per agency the operator serves, with that agency's part only. */
  'operator.presence': { operator: Operator };
  'email.received': { email: ReceivedEmailNotice };
  'email.quarantined': { email: QuarantinedEmailNotice };
  'email.discarded': { email: { id: string } };
  'statement.issued': IssuedStatementNotice;
  /** An administrator changed an agency's configuration (`parts`: which parts): every node reloads its directory. */
  'agency.configured': { agency: string; parts: string[] };
  /** A known problem in a building was declared, gained a ticket, or was closed (incidents module). */
  'incident.declared': { incident: Incident };
  'incident.changed': { incident: Incident };
  'incident.closed': { incident: Incident };
  /** The realtime layer's own: an agency's figures for today, recomputed after its calls change. */
  'live.today': { today: AgencyToday };
};

export type EventType = keyof EventPayloads;

/** The event of one type, e.g. `EventOf<'call.answered'>`; of several types, the union of each. */
export type EventOf<T extends EventType> = { [K in T]: Readonly<{ type: K; agency: string | null; at: string; data: EventPayloads[K] }> }[T];

export type DomainEvent = EventOf<EventType>;

type TypesStartingWith<P extends string> = Extract<EventType, `${P}${string}`>;

export type CallEvent = EventOf<TypesStartingWith<'call.'>>;
export type TicketDomainEvent = EventOf<TypesStartingWith<'ticket.'>>;
export type CallbackEvent = EventOf<TypesStartingWith<'callback.'>>;
export type DeliveryEvent = EventOf<TypesStartingWith<'delivery.'>>;
export type EmailEvent = EventOf<TypesStartingWith<'email.'>>;

export const isCallEvent = (event: DomainEvent): event is CallEvent => event.type.startsWith('call.');
export const isTicketEvent = (event: DomainEvent): event is TicketDomainEvent => event.type.startsWith('ticket.');
export const isCallbackEvent = (event: DomainEvent): event is CallbackEvent => event.type.startsWith('callback.');
export const isDeliveryEvent = (event: DomainEvent): event is DeliveryEvent => event.type.startsWith('delivery.');
export const isEmailEvent = (event: DomainEvent): event is EmailEvent => event.type.startsWith('email.');

/** Narrows to one type (or several): `isEvent(event, 'call.bridged')` gives `event.data.operator`. */
export function isEvent<T extends EventType>(event: DomainEvent, ...types: T[]): event is Extract<DomainEvent, { type: T }> {
  return (types as string[]).includes(event.type);
}

export type EventListener = (event: DomainEvent) => void;

export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(listener: EventListener): () => void;
}

/** In-process bus; the realtime layer fans events out to sockets (and other nodes) from here. */
export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Set<EventListener>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
