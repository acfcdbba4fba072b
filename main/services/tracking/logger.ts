/** The structural logger tracking services accept. Fields must never hold secrets. */
export interface TrackingLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export const silentLogger: TrackingLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}

/** A clock in epoch milliseconds (MLflow's unit); injected so tests can pin time. */
export type Clock = () => number
export const systemClock: Clock = () => Date.now()
