/**
 * Worker entry of the training pool. Under Node / tsx / vitest start it as
 * `new URL('./modelWorker.ts', import.meta.url)` (the pool adds `--import tsx`); the Electron build passes
 * the bundled file from `import workerPath from './modelWorker?modulePath'`.
 */
import { serveJobs } from './workerRuntime'
import { modelJobHandlers } from './modelJobs'

serveJobs(modelJobHandlers)
