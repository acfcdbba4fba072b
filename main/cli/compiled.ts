/**
 * Entry of the compiled CLI (scripts/build-cli.mjs bundles it to out/cli/<hash>/cli.js, beside the
 * bundled training worker `modelWorker.js`): the same `main` as the sources, with the workers started
 * from the compiled worker instead of TypeScript through tsx.
 */
import { fileURLToPath } from 'node:url'
import { useTrainingWorker } from './trainingWorker'

useTrainingWorker(fileURLToPath(new URL('./modelWorker.js', import.meta.url)))

export { main } from './index'
