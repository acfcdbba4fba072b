/**
 * One desktop's tracking store in a test: the outbox over MLflow at `uri`, its own tracking database file at
 * `dbPath` (closed with the store; reopen the same path for "the app restarted"), no offline cool-down, and
 * the replay's test hook when given.
 */
import { openTrackingDatabase } from '../localSchema'
import { MlflowClient } from '../mlflowClient'
import type { MlflowHttpOptions } from '../mlflowHttp'
import { MlflowTrackingStore } from '../mlflowTrackingStore'
import { OutboxTrackingStore, type OutboxItem } from '../outboxTrackingStore'
import { PromotionLog } from '../promotionLog'

export function fileOutboxStore(
  dbPath: string,
  uri: string,
  http: MlflowHttpOptions,
  afterApply?: (item: OutboxItem) => void,
): OutboxTrackingStore {
  const db = openTrackingDatabase(dbPath)
  const client = new MlflowClient({ trackingUri: uri }, http)
  const remote = new MlflowTrackingStore({ client, promotions: new PromotionLog(db, client.http.baseUrl) })
  return new OutboxTrackingStore({ remote, db, offlineCooldownMs: 0, afterApply, onClose: () => db.close() })
}
