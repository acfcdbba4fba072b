import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'

const shared = fileURLToPath(new URL('./shared', import.meta.url))

// `npm run test:faults`: fault injection, crash safety and load (issue #11). One file at a time (they
// start and kill private servers and child processes on a 2-core box), generous timeouts, and a report
// table printed at the end by the global setup's teardown (test/faults/support/report.ts).
export default defineConfig({
  resolve: { alias: { '@shared': shared } },
  test: {
    name: 'faults',
    environment: 'node',
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['test/faults/support/globalSetup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The load scenario measures the heap after a forced GC.
    execArgv: ['--expose-gc'],
  },
})
