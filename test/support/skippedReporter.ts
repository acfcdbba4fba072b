/**
 * After the run, one line per skipped suite (or skipped test outside a skipped suite): where it is,
 * its title (which carries the reason: "— skipped: <why>") and how many tests it holds. A suite whose
 * tests are generated from data that is absent counts as one. So "7 skipped" in the summary never
 * hides which suites did not run, or why.
 */
import path from 'node:path'
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node'

export interface SkippedEntry {
  file: string
  title: string
  tests: number
}

function skipped(entity: TestSuite | TestCase): boolean {
  return entity.type === 'suite' ? entity.state() === 'skipped' : entity.result().state === 'skipped'
}

/** The skipped suites and tests of a module, outermost only. */
export function skippedEntries(module: TestModule, root: string): SkippedEntry[] {
  const out: SkippedEntry[] = []
  const file = path.relative(root, module.moduleId)
  const visit = (children: Iterable<TestSuite | TestCase>) => {
    for (const child of children) {
      if (skipped(child)) {
        const tests = child.type === 'suite' ? [...child.children.allTests()].length : 1
        out.push({ file, title: child.fullName, tests })
      } else if (child.type === 'suite') visit(child.children)
    }
  }
  if (module.state() === 'skipped' && [...module.children].length === 0)
    out.push({ file, title: '(whole file)', tests: 0 })
  else visit(module.children)
  return out
}

export function formatSkipped(entries: SkippedEntry[]): string {
  if (entries.length === 0) return ''
  const lines = entries.map(
    (e) =>
      `  ${e.file} › ${e.title} (${e.tests === 1 ? '1 test' : e.tests === 0 ? 'its tests are generated from the data' : `${e.tests} tests`})`,
  )
  return `Skipped suites (${entries.length}):\n${lines.join('\n')}\n`
}

export default class SkippedReporter implements Reporter {
  private root = process.cwd()
  private filtered = false
  onInit(ctx: { config: { root: string; testNamePattern?: unknown } }): void {
    this.root = ctx.config.root
    // with -t, the tests left out by the filter are "skipped" too: nothing to explain
    this.filtered = ctx.config.testNamePattern !== undefined
  }
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (this.filtered) return
    const text = formatSkipped(modules.flatMap((m) => skippedEntries(m, this.root)))
    if (text) process.stdout.write(`\n${text}`)
  }
}
