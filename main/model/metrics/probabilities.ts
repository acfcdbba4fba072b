// Shared vocabulary for the pure-math modules: outcome indices, 1X2 triples, input validation and the
// typed error every module throws. Outcome index 0 = home win (H), 1 = draw (D), 2 = away win (A).

export type Triple = readonly [number, number, number]
export type OutcomeIndex = 0 | 1 | 2
export type OutcomeLetter = 'H' | 'D' | 'A'
/** Either form is accepted wherever an observed outcome is passed in. */
export type Outcome = OutcomeIndex | OutcomeLetter

export const OUTCOME_LETTERS: readonly OutcomeLetter[] = ['H', 'D', 'A']

/** The full-time result of a played match from its score. */
export const resultOf = (m: { homeGoals: number; awayGoals: number }): OutcomeLetter =>
  m.homeGoals > m.awayGoals ? 'H' : m.homeGoals === m.awayGoals ? 'D' : 'A'

/** Tolerance on Σp = 1 for triples passed *in* (predictions read from files may carry rounding). */
export const INPUT_SUM_TOLERANCE = 1e-6

export type ModelErrorCode =
  | 'INVALID_ODDS'
  | 'INVALID_PROBABILITIES'
  | 'INVALID_OUTCOME'
  | 'INVALID_ARGUMENT'
  | 'LENGTH_MISMATCH'
  | 'EMPTY_INPUT'

/** Typed error with a stable code, so it crosses dispatch as `{ code, message, details }` unchanged. */
export class ModelInputError extends Error {
  readonly code: ModelErrorCode
  readonly details?: Record<string, unknown>
  constructor(code: ModelErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'ModelInputError'
    this.code = code
    this.details = details
  }
}

export function outcomeIndex(o: Outcome, where = 'outcome'): OutcomeIndex {
  if (o === 0 || o === 1 || o === 2) return o
  if (o === 'H') return 0
  if (o === 'D') return 1
  if (o === 'A') return 2
  throw new ModelInputError('INVALID_OUTCOME', `${where} must be 0/1/2 or 'H'/'D'/'A', got ${String(o)}`)
}

/** Throws INVALID_PROBABILITIES unless `p` is a finite triple in [0, 1] summing to 1 within `tol`. */
export function assertTriple(
  p: readonly number[],
  where = 'probabilities',
  tol = INPUT_SUM_TOLERANCE,
): Triple {
  if (!Array.isArray(p) || p.length !== 3) {
    throw new ModelInputError('INVALID_PROBABILITIES', `${where} must be a [home, draw, away] triple`)
  }
  let s = 0
  for (const x of p) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) {
      throw new ModelInputError(
        'INVALID_PROBABILITIES',
        `${where} has a value outside [0, 1]: ${String(x)}`,
        {
          probabilities: p,
        },
      )
    }
    s += x
  }
  if (Math.abs(s - 1) > tol) {
    throw new ModelInputError('INVALID_PROBABILITIES', `${where} sums to ${s}, not 1 (tolerance ${tol})`, {
      probabilities: p,
    })
  }
  return p as unknown as Triple
}

/** Checks two parallel arrays have the same, non-zero length. */
export function assertSameLength(what: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) {
    throw new ModelInputError('LENGTH_MISMATCH', `${what}: ${a.length} predictions but ${b.length} outcomes`)
  }
  if (a.length === 0) throw new ModelInputError('EMPTY_INPUT', `${what}: no predictions given`)
}

/** Index of the largest entry; ties go to the lower index (home before draw before away). */
export function argMax(p: readonly number[]): number {
  let best = 0
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i
  return best
}

/** Divides by the sum. The caller guarantees a positive finite sum. */
export function normalise(p: readonly number[]): number[] {
  let s = 0
  for (const x of p) s += x
  return p.map((x) => x / s)
}
