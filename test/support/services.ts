/**
 * Service-backed suites (Postgres, Redis, MLflow) talk to real servers whose URLs come from the
 * environment. Without a URL the suite is skipped with a one-line reason; with
 * SCORELINE_REQUIRE_SERVICES=1 (set by .ci/run) a missing URL fails the run instead.
 */
import { describe, it } from 'vitest'

export type ServiceName = 'postgres' | 'redis' | 'mlflow'

const ENV_BY_SERVICE: Record<ServiceName, string> = {
  postgres: 'SCORELINE_TEST_DATABASE_URL',
  redis: 'SCORELINE_TEST_REDIS_URL',
  mlflow: 'SCORELINE_TEST_MLFLOW_URI',
}

export function serviceUrl(service: ServiceName): string | undefined {
  const value = process.env[ENV_BY_SERVICE[service]]
  return value && value.trim() !== '' ? value.trim() : undefined
}

export function servicesRequired(): boolean {
  return process.env.SCORELINE_REQUIRE_SERVICES === '1'
}

/**
 * `describe` for a suite that needs `service`. The callback receives the URL.
 * Skips (saying why) when the URL is absent, or fails when services are required.
 */
export function describeWithService(service: ServiceName, title: string, body: (url: string) => void): void {
  const url = serviceUrl(service)
  if (url) {
    describe(title, () => body(url))
    return
  }
  const reason = `${service} not configured: set ${ENV_BY_SERVICE[service]} to run "${title}"`
  if (servicesRequired()) {
    describe(title, () => {
      it(`requires ${service}`, () => {
        throw new Error(`${reason} (SCORELINE_REQUIRE_SERVICES=1 turns this skip into a failure)`)
      })
    })
    return
  }
  console.warn(`[skipped] ${reason}`)
  // the body is not collected: without the service its setup (a client for the URL, say) cannot even be built
  describe.skip(`${title} — skipped: ${reason}`, () => {
    it(`needs ${service}`, () => {})
  })
}

/** Absolute path of ../shared/data/football-data beside the checkout, if present. */
export { footballDataDir } from './sharedData'
