/** One thing wrong with a file: where (file, 1-based physical line, header name) and what. */
export interface CsvProblem {
  file: string
  line: number
  /** The header name of the offending cell, or null for problems that are not about one column. */
  column: string | null
  message: string
}

export const DEFAULT_MAX_PROBLEMS = 50

/** `E0_2019-20.csv:214: FTHG "x" is not a number` */
export function formatProblem(p: CsvProblem): string {
  return `${p.file}:${p.line}: ${p.message}`
}

/**
 * The file was rejected as a whole (nothing of it should be imported). `problems` lists at most the
 * configured limit; `omitted` counts the ones left out.
 */
export class CsvParseError extends Error {
  readonly code = 'CSV_PARSE' as const
  readonly file: string
  readonly problems: CsvProblem[]
  readonly omitted: number

  constructor(file: string, problems: CsvProblem[], omitted = 0) {
    const lines = problems.map(formatProblem)
    if (omitted > 0) lines.push(`... and ${omitted} more problem${omitted === 1 ? '' : 's'}`)
    super(lines.length > 0 ? lines.join('\n') : `${file}: could not be read`)
    this.name = 'CsvParseError'
    this.file = file
    this.problems = problems
    this.omitted = omitted
  }

  /** Plain data for `{ code, message, details }` error envelopes. */
  get details(): { file: string; problems: CsvProblem[]; omitted: number } {
    return { file: this.file, problems: this.problems, omitted: this.omitted }
  }
}

/** Collects problems up to a limit, counting the rest. */
export class ProblemList {
  readonly items: CsvProblem[] = []
  omitted = 0

  constructor(
    readonly file: string,
    readonly limit: number,
  ) {}

  add(line: number, column: string | null, message: string): void {
    if (this.items.length < this.limit) this.items.push({ file: this.file, line, column, message })
    else this.omitted++
  }

  get count(): number {
    return this.items.length + this.omitted
  }

  toError(): CsvParseError {
    return new CsvParseError(this.file, this.items, this.omitted)
  }
}
