import type { Logger } from '@keygate/core';

export type DomainEventType = 'rotation.started' | 'rotation.succeeded' | 'rotation.failed' | 'revocation.done' | 'revocation.failed';

/** Something that happened in the host, for subscribers such as notifiers. Never carries values or credentials. */
export interface DomainEvent {
  type: DomainEventType;
  occurredAt: Date;
  tenantId: string;
  /** What it happened to, e.g. `{project, environment, provider, secretKey}`. */
  subject: Record<string, string>;
  /** Event-specific facts: strategy, trigger, handles, error text. */
  data: Record<string, string | number | boolean | null>;
}

export type DomainEventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * In-process publish/subscribe. Handlers run after the emitter has moved on and their failures
 * are logged, so a slow or broken subscriber never blocks or fails the step that emitted.
 * Delivery is at-most-once per process: durable delivery is the subscriber's concern (e.g. a
 * notifier that persists its deliveries).
 */
export class EventBus {
  readonly #handlers = new Map<DomainEventType | '*', Set<DomainEventHandler>>();
  readonly #logger: Logger;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes to one type, or to all with `'*'`; returns the unsubscribe function. */
  on(type: DomainEventType | '*', handler: DomainEventHandler): () => void {
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  emit(event: DomainEvent): void {
    for (const handler of [...(this.#handlers.get(event.type) ?? []), ...(this.#handlers.get('*') ?? [])]) {
      const delivery = Promise.resolve()
        .then(() => handler(event))
        .catch((error: unknown) => this.#logger.warn('event handler failed', { event: event.type, error: error instanceof Error ? error.message : String(error) }))
        .finally(() => this.#inFlight.delete(delivery));
      this.#inFlight.add(delivery);
    }
  }

  /** Waits for the handlers already started (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}
