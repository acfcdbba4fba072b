import type { FeatureSpecDto } from '../../../../shared/api/domains/features'

/** A feature value for a table: numbers to 3 decimals (integers as they are), strings unchanged. */
export function fmtValue(value: number | string | undefined | null, spec?: FeatureSpecDto): string {
  if (value === undefined || value === null) return '—'
  if (typeof value === 'string') return value
  if (spec?.type === 'integer' || Number.isInteger(value)) return String(value)
  return value.toFixed(3)
}

export function fmtRange(spec: FeatureSpecDto): string {
  if (spec.type === 'string') return 'text'
  const lo = spec.min ?? '−∞'
  const hi = spec.max ?? '∞'
  return `${lo} … ${hi}`
}

export const fmtTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export const fmtMs = (ms: number | null): string => (ms === null ? '—' : `${ms.toFixed(3)} ms`)

/** The distinguishing part of a data fingerprint (`sha256:9f8e…` → `9f8e7d6c5b4a`); the full one goes in a title. */
export const shortFingerprint = (fp: string): string => fp.replace(/^[a-z0-9]+:/i, '').slice(0, 12)
