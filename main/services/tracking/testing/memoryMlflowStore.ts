/**
 * A test's MLflow tracking store on a real server: the store over `uri`, its promotion log kept in a memory
 * tracking database that closes with the store. Its client is `store.client`.
 */
import { openMemoryTrackingDatabase } from '../localSchema'
import { MlflowClient } from '../mlflowClient'
import { MlflowTrackingStore } from '../mlflowTrackingStore'
import { PromotionLog } from '../promotionLog'

export function memoryMlflowStore(uri: string): MlflowTrackingStore {
  const client = new MlflowClient({ trackingUri: uri })
  const db = openMemoryTrackingDatabase()
  return new MlflowTrackingStore({
    client,
    promotions: new PromotionLog(db, client.origin),
    onClose: () => db.close(),
  })
}
