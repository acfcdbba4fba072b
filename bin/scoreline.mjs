#!/usr/bin/env node
// The `scoreline` command: runs the compiled CLI in out/cli/ (see scripts/build-cli.mjs). `npm install`
// compiles it; when a source changed since, the first start rebuilds it (about a second) and later
// starts load plain JavaScript again.
import { cliEntryUrl, ensureCliBuild } from '../scripts/build-cli.mjs'

let manifest
try {
  manifest = await ensureCliBuild({ log: (line) => process.stderr.write(line + '\n') })
} catch (error) {
  process.stderr.write(
    `error: the compiled CLI is missing and cannot be built (${error.message.split('\n')[0]}).\n` +
      'Run `npm install` (or `npm run build:cli`) in the Scoreline folder.\n',
  )
  process.exit(2)
}
// SCORELINE_DEBUG prints stack traces of internal errors: point them at the TypeScript sources
if (process.env.SCORELINE_DEBUG) process.setSourceMapsEnabled(true)
const { main } = await import(cliEntryUrl(manifest))
process.exitCode = await main(process.argv.slice(2))
