import { describe, expect, it } from 'vitest'
import { formatSkipped } from './skippedReporter'

describe('the skipped-suites report', () => {
  it('prints each skipped suite on one line with its reason (its title) and its test count', () => {
    expect(
      formatSkipped([
        { file: 'main/a.test.ts', title: 'real files — skipped: no data', tests: 3 },
        { file: 'main/b.test.ts', title: 'every season file — skipped: no data', tests: 0 },
      ]),
    ).toBe(
      'Skipped suites (2):\n' +
        '  main/a.test.ts › real files — skipped: no data (3 tests)\n' +
        '  main/b.test.ts › every season file — skipped: no data (its tests are generated from the data)\n',
    )
    expect(formatSkipped([])).toBe('')
  })
})
