/**
 * Prequential gate for a forecasting stage (the blend over the market, the calibrator over the blend).
 *
 * α and the calibrator are fitted in-sample on earlier out-of-sample rows, and in-sample they can only look
 * better than leaving them out (α = 0 and T = 1 are inside their search ranges). Whether a stage helps is
 * answered out of sample: at every date the walk-forward also computes what the stage WOULD have served (its
 * "candidate") beside what it replaces (its "base"), and once the date's results are in, both are scored.
 * A stage is applied at a date only when, over the earlier rows (Dawid's prequential principle: every
 * forecast scored was issued before its result), its candidates have a lower total RPS than the base, on
 * at least `minRows` rows. Until then, or when the evidence is against it, the base is served and the
 * candidate keeps being scored in the shadow, so a stage that starts to help is switched on again.
 *
 * RPS (Epstein 1969) is the score the app and the targets judge forecasts by.
 */
import { rps, type OutcomeLetter, type Triple } from '../metrics'

export class StageGate {
  private candidateScore = 0
  private baseScore = 0
  private rows = 0

  constructor(readonly minRows: number) {}

  /** Score one earlier row: the candidate the stage would have served and the base it replaces. */
  add(candidate: Triple, base: Triple, outcome: OutcomeLetter): void {
    this.candidateScore += rps(candidate, outcome)
    this.baseScore += rps(base, outcome)
    this.rows++
  }

  /** True when the stage has earned its place on the rows scored so far. */
  get open(): boolean {
    return this.rows >= this.minRows && this.candidateScore < this.baseScore
  }

  /** What the evidence says so far (for refit records and reports). */
  get evidence(): { rows: number; candidateRps: number | null; baseRps: number | null; open: boolean } {
    return {
      rows: this.rows,
      candidateRps: this.rows ? this.candidateScore / this.rows : null,
      baseRps: this.rows ? this.baseScore / this.rows : null,
      open: this.open,
    }
  }
}
