import { describe } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { memoryMlflowStore } from './testing/memoryMlflowStore'
import { trackingStoreContract } from './testing/trackingStoreContract'

describeWithService('mlflow', 'MlflowTrackingStore', (uri) => {
  describe('behavioural suite', () => {
    trackingStoreContract(async () => memoryMlflowStore(uri), {
      removeCreated: (tag) => removeByPrefix(uri, tag, { anywhere: true }),
    })
  })
})
