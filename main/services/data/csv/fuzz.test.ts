import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { footballDataDir } from '../../../../test/support/sharedData'
import { simulatedSeasonCsv } from '../testing/simulatedSeasonCsv'
import { CsvParseError } from './csvParseError'
import { parseFootballDataCsv } from './parseFootballDataCsv'

/** Parses; anything thrown must be the typed CSV error. Returns whether it parsed. */
function parsesOrCsvError(input: Uint8Array | string): boolean {
  try {
    parseFootballDataCsv(input, 'fuzz.csv')
    return true
  } catch (e) {
    if (!(e instanceof CsvParseError)) throw e
    expect(e.code).toBe('CSV_PARSE')
    expect(e.problems.length).toBeGreaterThan(0)
    for (const p of e.problems) expect(p.line).toBeGreaterThanOrEqual(1)
    return false
  }
}

/**
 * A valid file as served: a UTF-8 BOM, CRLF line ends, a quoted club name with a comma and a trailing
 * all-comma row, around the first rows of a simulated season (the seeded simulator's clubs, scores and
 * prices; the real files are read from ../shared below). HEADER is its header line.
 */
const { HEADER, SAMPLE } = (() => {
  const season = simulatedSeasonCsv({
    league: 'E0',
    startYear: 2030,
    teams: ['Harbourside', 'Millbrook, Upper', 'Eastbury', 'Northgate'],
    seed: 5,
  })
  const [header, ...rows] = season.trim().split('\n')
  return { HEADER: header, SAMPLE: `\ufeff${[header, ...rows.slice(0, 2), ',,,'].join('\r\n')}\r\n` }
})()

describe('parser robustness (property)', () => {
  it('random bytes only ever raise the typed CSV error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        parsesOrCsvError(bytes)
      }),
      { numRuns: 500 },
    )
  })

  it('random text built from CSV-significant characters only ever raises the typed CSV error', () => {
    const alphabet = fc.constantFrom(
      ',',
      '"',
      '\r',
      '\n',
      'H',
      'D',
      'A',
      '1',
      '2',
      '.',
      '/',
      ':',
      ' ',
      '\u00a0',
      'x',
    )
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 400 }), (chars) => {
        parsesOrCsvError(`${HEADER}\n${chars.join('')}`)
        parsesOrCsvError(chars.join(''))
      }),
      { numRuns: 500 },
    )
  })

  it('every truncation and single-byte corruption of a valid file only raises the typed CSV error', () => {
    const bytes = new TextEncoder().encode(SAMPLE)
    for (let n = 0; n <= bytes.length; n++) parsesOrCsvError(bytes.subarray(0, n))
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const copy = bytes.slice()
        copy[at] = value
        parsesOrCsvError(copy)
      }),
      { numRuns: 500 },
    )
  })

  it('truncations of a real season file only raise the typed CSV error, quickly', () => {
    const dir = footballDataDir()
    // E0_2004-05 is the Windows-1252 one: cutting it anywhere must not trip the decoding either
    const bytes = dir
      ? readFileSync(path.join(dir, 'E0', 'E0_2004-05.csv'))
      : new TextEncoder().encode(SAMPLE)
    fc.assert(
      fc.property(fc.nat(bytes.length), (n) => {
        const started = performance.now()
        parsesOrCsvError(bytes.subarray(0, n))
        expect(performance.now() - started).toBeLessThan(1000) // never hangs
      }),
      { numRuns: 100 },
    )
  })
})
