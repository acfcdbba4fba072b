import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'

const shared = fileURLToPath(new URL('./shared', import.meta.url))

// Three projects: Node-side logic (main/, shared/, bench helpers), the renderer in jsdom,
// and the end-to-end suite that drives Debian's Chromium against the browser bridge.
export default defineConfig({
  resolve: { alias: { '@shared': shared } },
  test: {
    // after the summary, every skipped suite on one line with its reason (test/support/skippedReporter.ts)
    reporters: ['default', './test/support/skippedReporter.ts'],
    projects: [
      {
        resolve: { alias: { '@shared': shared } },
        test: {
          name: 'node',
          environment: 'node',
          include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
          // compiles the CLI if stale; on a fresh clone builds the app once (first run = second run)
          globalSetup: ['./test/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { '@shared': shared } },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        resolve: { alias: { '@shared': shared } },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['./test/support/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
