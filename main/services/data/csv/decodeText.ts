export type TextEncoding = 'utf-8' | 'windows-1252'

const utf8Strict = new TextDecoder('utf-8', { fatal: true })
const windows1252 = new TextDecoder('windows-1252')

/**
 * Decodes a football-data file. UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, otherwise
 * Windows-1252 — older files such as E0_2004-05.csv carry latin-1 bytes like 0xA0 (NBSP), which are
 * never valid UTF-8 on their own. A string input is taken as already decoded (a leading BOM is dropped).
 */
export function decodeText(
  input: Uint8Array | string,
  forced: 'auto' | TextEncoding = 'auto',
): { text: string; encoding: TextEncoding } {
  if (typeof input === 'string') {
    return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, encoding: 'utf-8' }
  }
  if (forced === 'windows-1252') return { text: windows1252.decode(input), encoding: 'windows-1252' }
  if (forced === 'utf-8') return { text: new TextDecoder('utf-8').decode(input), encoding: 'utf-8' }
  try {
    return { text: utf8Strict.decode(input), encoding: 'utf-8' }
  } catch {
    return { text: windows1252.decode(input), encoding: 'windows-1252' }
  }
}
