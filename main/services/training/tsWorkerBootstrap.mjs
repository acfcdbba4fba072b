// Starts a TypeScript worker entry under Node without a build step: registers tsx's ESM loader in this
// worker thread, then imports the entry named in workerData. Node 20's `execArgv: ['--import', 'tsx']`
// does not reach worker threads ("Unknown file extension .ts"), so the pool starts `.ts` entries
// through this file instead. The Electron build never needs it: its worker entry is already JavaScript.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.scorelineWorkerEntry)
