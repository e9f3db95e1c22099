/**
 * Domain events: what happened, published after the transaction that made it true has committed.
 * Every event names its agency so that the realtime layer can deliver it to that agency's rooms only.
 */
export type DomainEvent = Readonly<{
  type: string;
  agency: string | null;
  at: string;
  data: Record<string, unknown>;
}>;

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
