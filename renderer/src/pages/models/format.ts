/** Number and time formats shared by the Models, Experiments and Dashboard screens. */

export function fmtNum(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value)
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2)
  return value.toFixed(digits)
}

/** A signed difference, e.g. "−0.0012". */
export function fmtDelta(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const s = Math.abs(value).toFixed(digits)
  return value > 0 ? `+${s}` : value < 0 ? `−${s}` : s
}

export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

export function evalWindowLabel(e: {
  evalSeason: string | null
  evalFrom: string | null
  evalTo: string | null
  matches: number | null
}): string {
  if (!e.evalSeason && !e.evalFrom) return '—'
  const range = e.evalFrom && e.evalTo ? `${e.evalFrom} → ${e.evalTo}` : ''
  const parts = [e.evalSeason, range].filter(Boolean).join(' · ')
  return e.matches !== null ? `${parts} (${e.matches} matches)` : parts
}

/**
 * The goal-model variant of a model version (#12): the version's `scoreline.model_variant` tag, else its
 * run's `model_variant` / `model` param (runs from before variants were Dixon-Coles or Poisson); null if unknown.
 */
export function modelVariantOf(v: {
  tags: Record<string, string>
  evaluation: { params: Record<string, string> } | null
}): string | null {
  return (
    v.tags['scoreline.model_variant'] ??
    v.evaluation?.params.model_variant ??
    v.evaluation?.params.model ??
    null
  )
}
