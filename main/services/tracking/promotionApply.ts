/**
 * Applying a promotion decision to a registry: the alias first (champion, or challenger), then the decision's
 * few short tags, then the record in the promotion log (and the team's shared history). One function for the
 * direct path, the outbox's online path and its replay, so a decision reads the same however it got there.
 * Every step overwrites, so applying the same decision twice (a replay after a crash) changes nothing.
 */
import type { NewPromotionRecord, PromotionAction, PromotionLog, PromotionRecord } from './promotionLog'
import { decisionTags } from './promotionTags'
import type { ModelVersion, TrackingStore } from './trackingStore'

export const CHAMPION = 'champion'
export const CHALLENGER = 'challenger'

export type DecisionToApply = NewPromotionRecord & { decisionId: string }

/** The registry calls a decision makes. */
export interface RegistryWriter {
  setAlias(name: string, alias: string, version: string): Promise<void>
  deleteAlias(name: string, alias: string): Promise<void>
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion | null>
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>
}

/** A store that queues decisions while its server is unreachable (the outbox). */
export interface DecisionQueue {
  recordPromotion(record: DecisionToApply): Promise<PromotionRecord>
}

export const makesChampion = (action: PromotionAction) => action !== 'challenger'

/** Aliases and tags on the registry (idempotent). */
export async function writeDecision(registry: RegistryWriter, r: DecisionToApply): Promise<void> {
  if (makesChampion(r.action)) {
    await registry.setAlias(r.modelName, CHAMPION, r.version)
    const challenger = await registry.getVersionByAlias(r.modelName, CHALLENGER)
    if (challenger?.version === r.version) await registry.deleteAlias(r.modelName, CHALLENGER)
  } else {
    await registry.setAlias(r.modelName, CHALLENGER, r.version)
  }
  const tags = decisionTags({ ...r, id: 0, target: '', state: 'applied' })
  for (const [key, value] of Object.entries(tags))
    await registry.setModelVersionTag(r.modelName, r.version, key, value)
}

/** The registry mirror follows a decision (applied or queued): it is what this desktop serves. */
export function mirrorDecision(log: PromotionLog, r: DecisionToApply): void {
  const alias = makesChampion(r.action) ? CHAMPION : CHALLENGER
  log.mirror.setAlias(r.modelName, alias, r.version)
  if (alias === CHAMPION && log.mirror.aliases(r.modelName)[CHALLENGER] === r.version)
    log.mirror.deleteAlias(r.modelName, CHALLENGER)
}

/** After the registry holds the decision: the local record, the mirror, and the team's history. */
export async function recordApplied(log: PromotionLog, r: DecisionToApply): Promise<PromotionRecord> {
  const saved = log.append({ ...r, state: 'applied' })
  mirrorDecision(log, r)
  await log.publish(saved)
  return saved
}

const isQueue = (store: TrackingStore): store is TrackingStore & DecisionQueue =>
  typeof (store as Partial<DecisionQueue>).recordPromotion === 'function'

/** Apply a decision now, or (an outbox whose server is unreachable) queue it and serve it locally. */
export async function applyDecision(store: TrackingStore, r: DecisionToApply): Promise<PromotionRecord> {
  if (isQueue(store)) return store.recordPromotion(r)
  await writeDecision(store, r)
  return recordApplied(store.promotions, r)
}
