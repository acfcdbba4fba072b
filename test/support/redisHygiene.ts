/**
 * Test hygiene on the shared Redis (leave a shared server as you found it): suites write under a per-run key
 * prefix and delete it after; this is the guard that says when one did not. The global setup takes the names
 * of every key before the suites and compares after them: any key created during the run and still there
 * fails the run, named by its prefix, and one under the production feature prefix (`scoreline:fs:`) is
 * called out as such (a test wrote where a real desktop's features live).
 */
import { Redis } from 'ioredis'
import { DEFAULT_KEY_PREFIX } from '../../main/services/features/redisFeatureStore'

async function keyNames(redis: Redis): Promise<Set<string>> {
  const names = new Set<string>()
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000)
    for (const key of batch) names.add(key)
    cursor = next
  } while (cursor !== '0')
  return names
}

/** `a:b:c:rest` → `a:b:c:` (the per-run prefixes tests use are at most three segments deep). */
function prefixOf(key: string): string {
  const parts = key.split(':')
  return parts.length > 3 ? `${parts.slice(0, 3).join(':')}:` : key
}

/** The keys in `after` but not in `before`, as sentences (empty: nothing left behind). */
export function leftBehind(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  const counts = new Map<string, number>()
  for (const key of after) {
    if (before.has(key)) continue
    const prefix = key.startsWith(DEFAULT_KEY_PREFIX) ? DEFAULT_KEY_PREFIX : prefixOf(key)
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1)
  }
  return [...counts].map(([prefix, n]) =>
    prefix === DEFAULT_KEY_PREFIX
      ? `${n} key(s) created under the production feature prefix ${DEFAULT_KEY_PREFIX} (a test must use a key prefix of its own)`
      : `${n} key(s) under ${prefix} created and not deleted`,
  )
}

/**
 * Before the suites: the key names on `url` (nothing to guard without a URL, or when Redis does not answer:
 * the suites that need it say so). Returns the check to run after them, which throws naming what was left.
 */
export async function guardRedisKeys(url: string | undefined): Promise<() => Promise<void>> {
  const connect = async (): Promise<Redis | null> => {
    const redis = new Redis(url as string, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    })
    redis.on('error', () => {}) // a refused connection is answered below, not as an unhandled event
    try {
      await redis.connect()
      return redis
    } catch {
      redis.disconnect()
      return null
    }
  }
  if (!url) return async () => {}
  const first = await connect()
  if (!first) return async () => {}
  const before = await keyNames(first).finally(() => first.disconnect())
  return async () => {
    const redis = await connect()
    if (!redis) return
    const after = await keyNames(redis).finally(() => redis.disconnect())
    const problems = leftBehind(before, after)
    if (problems.length) throw new Error(`[redis hygiene] after the suites: ${problems.join('; ')}`)
    console.log('[redis hygiene] no key created by the suites is left on the shared Redis')
  }
}
