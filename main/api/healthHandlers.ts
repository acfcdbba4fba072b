import type { Handlers } from '../core/dispatch'
import type { HealthService } from '../services/health/healthService'

type HealthProcedures = Extract<keyof Handlers, `health.${string}`>

export interface HealthHandlerDeps {
  health: HealthService
}

/** `health.*`: the champion models' reliability, rolling RPS and alerts (main/services/health). */
export function createHealthHandlers(deps: HealthHandlerDeps): Pick<Handlers, HealthProcedures> {
  return {
    'health.leagues': () => deps.health.leagues(),
    'health.report': ({ league }) => deps.health.report(league),
    'health.alerts': () => deps.health.alerts(),
  }
}
