import { describe } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { openMemoryTrackingDatabase } from './localSchema'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { PromotionLog } from './promotionLog'
import { trackingStoreContract } from './testing/trackingStoreContract'

describeWithService('mlflow', 'MlflowTrackingStore', (uri) => {
  describe('behavioural suite', () => {
    trackingStoreContract(
      async () => {
        const db = openMemoryTrackingDatabase()
        const client = new MlflowClient({ trackingUri: uri })
        return new MlflowTrackingStore({
          client,
          promotions: new PromotionLog(db, client.origin),
          onClose: () => db.close(),
        })
      },
      { removeCreated: (tag) => removeByPrefix(uri, tag, { anywhere: true }) },
    )
  })
})
