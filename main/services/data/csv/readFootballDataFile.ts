import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseFootballDataCsv } from './parseFootballDataCsv'
import type { ParsedFile, ParseOptions } from './types'

/** Reads and parses one file; messages name it by its base name (`E0_2019-20.csv:214: ...`). */
export async function readFootballDataFile(filePath: string, opts?: ParseOptions): Promise<ParsedFile> {
  const bytes = await readFile(filePath)
  return parseFootballDataCsv(bytes, path.basename(filePath), opts)
}
