import { describe, expect, it } from 'vitest'
import { csvCell, csvLine } from './csvCell'

describe('csvCell', () => {
  it('defuses cells a spreadsheet would run as formulas (OWASP CSV injection)', () => {
    expect(csvCell('=cmd|"/c calc"!A1')).toBe(`"'=cmd|""/c calc""!A1"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
  })
  it('quotes commas, quotes and newlines, and passes numbers and plain text', () => {
    expect(csvLine(['a,b', 'say "hi"', 'x\ny', 1.5, null, 'Arsenal'])).toBe(
      '"a,b","say ""hi""","x\ny",1.5,,Arsenal',
    )
    expect(csvCell(-1)).toBe('-1') // a negative number is a number, not a formula
    expect(csvCell(Number.NaN)).toBe('')
  })
})
