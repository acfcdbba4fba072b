#!/usr/bin/env node
// The `scoreline` command. tsx runs the TypeScript sources directly, so the CLI works right after
// `npm install` without a separate build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../main/cli/index.ts')
const code = await main(process.argv.slice(2))
process.exitCode = code
