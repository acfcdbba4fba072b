import { describe, expect, it } from 'vitest'
import { tokenizeCsv, UnterminatedQuoteError } from './tokenizeCsv'

const lines = (text: string) => tokenizeCsv(text).map((r) => [r.line, ...r.fields])

describe('tokenizeCsv', () => {
  it('splits records on LF, CRLF, \\r\\r\\n and lone CR', () => {
    expect(lines('a,b\nc,d\r\ne,f\r\r\ng,h\ri,j')).toEqual([
      [1, 'a', 'b'],
      [2, 'c', 'd'],
      [3, 'e', 'f'],
      [4, 'g', 'h'],
      [5, 'i', 'j'],
    ])
  })

  it('keeps empty fields, including a trailing comma at end of file', () => {
    expect(lines(',a,,\n,')).toEqual([
      [1, '', 'a', '', ''],
      [2, '', ''],
    ])
  })

  it('unquotes fields with doubled quotes, commas and line breaks, counting physical lines', () => {
    expect(lines('"a ""b"", c","x\r\ny"\nnext,"z"\n')).toEqual([
      [1, 'a "b", c', 'x\r\ny'],
      [3, 'next', 'z'],
    ])
  })

  it('keeps text after a closing quote literally', () => {
    expect(lines('"ab"c,d')).toEqual([[1, 'abc', 'd']])
  })

  it('reports an unterminated quote at the line it starts on', () => {
    expect(() => tokenizeCsv('a\n"b\nc')).toThrow(UnterminatedQuoteError)
    try {
      tokenizeCsv('a\n"b\nc')
    } catch (e) {
      expect((e as UnterminatedQuoteError).line).toBe(2)
    }
  })

  it('returns nothing for empty input', () => {
    expect(tokenizeCsv('')).toEqual([])
  })
})
