import { events, isEventName, type EventName, type EventPayload } from '../../shared/api/contract'

export type EventListener = (event: EventName, payload: unknown) => void

/** Main-process event bus: payloads are validated against the contract before they leave. */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  subscribe(listener: EventListener): () => void
}

export function createEventBus(): EventBus {
  const listeners = new Set<EventListener>()
  return {
    emit(event, payload) {
      if (!isEventName(event)) throw new Error(`Unknown event "${String(event)}"`)
      const parsed = events[event].payload.parse(payload)
      for (const listener of listeners) {
        try {
          listener(event, parsed)
        } catch {
          // one broken listener must not starve the others
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
