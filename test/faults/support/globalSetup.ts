/** Names the report file for the run (handed to the test files) and prints the table at the end. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { guardProductionModels } from '../../support/mlflowHygiene'
import { formatTable, readRows } from './report'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // fails the run if a scenario wrote a production-named model into the shared MLflow (#21)
  const checkMlflow = await guardProductionModels(process.env.SCORELINE_TEST_MLFLOW_URI?.trim())
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-report-'))
  const file = path.join(dir, 'rows.jsonl')
  writeFileSync(file, '')
  project.provide('faultsReportFile', file)
  return async () => {
    const rows = readRows(file)
    const table = formatTable(rows)
    process.stdout.write(`\n=== Scoreline faults report\n${table}\n`)
    const keep = process.env.SCORELINE_FAULTS_REPORT
    if (keep) writeFileSync(keep, table + '\n')
    rmSync(dir, { recursive: true, force: true })
    await checkMlflow().catch((error: Error) => {
      process.exitCode = 1 // vitest only logs a teardown's error: the run must fail (#21)
      throw error
    })
  }
}
