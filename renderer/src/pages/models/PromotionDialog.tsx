import { useEffect, useRef, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { ModelVersionDto, VersionComparisonDto } from '../../../../shared/api/domains/tracking'
import { evalWindowLabel, fmtDelta, fmtNum } from './format'

/** The metrics a promotion is judged on, in the order an analyst reads them. */
export const JUDGED_METRICS: { key: string; label: string }[] = [
  { key: 'rps', label: 'RPS (served forecast, promotion metric)' },
  { key: 'market_rps', label: 'Market RPS' },
  { key: 'model_rps', label: 'Model RPS' },
  { key: 'blend_rps', label: 'Blend RPS' },
  { key: 'calibrated_log_loss', label: 'Log loss' },
  { key: 'calibrated_brier', label: 'Brier' },
  { key: 'calibrated_accuracy', label: 'Accuracy' },
  { key: 'calibrated_ece', label: 'ECE' },
]

export interface PendingAction {
  kind: 'promote' | 'rollback'
  modelName: string
  target: ModelVersionDto
  current: ModelVersionDto | null
}

const evalOf = (v: ModelVersionDto | null) => v?.evaluation ?? null

export type MatchSet =
  | { kind: 'identical'; n: number | null }
  | { kind: 'different'; a: number | null; b: number | null }
  | { kind: 'unknown'; a: number | null; b: number | null }

/**
 * Whether two versions were scored on the identical matches (#20): only when both runs recorded the id of the
 * match ids they scored and the ids agree — never from an equal window name or an equal count alone.
 */
export function compareMatchSets(
  champion: ModelVersionDto['evaluation'],
  target: ModelVersionDto['evaluation'],
): MatchSet | null {
  if (!champion || !target) return null
  const a = champion.matches
  const b = target.matches
  if (champion.scoredMatches && target.scoredMatches)
    return champion.scoredMatches === target.scoredMatches && a === b
      ? { kind: 'identical', n: a }
      : { kind: 'different', a, b }
  if (a !== null && b !== null && a !== b) return { kind: 'different', a, b }
  if (champion.evalWindow && target.evalWindow && champion.evalWindow !== target.evalWindow)
    return { kind: 'different', a, b }
  return { kind: 'unknown', a, b }
}

const nText = (n: number | null) => (n === null ? '—' : `${n} matches`)

/**
 * Confirmation before a promote or rollback: what changes (champion vX → vY), the two versions' scores on
 * the metrics they were judged on, and whether they were evaluated on the same matches.
 */
export function PromotionDialog({
  api,
  action,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  /** When given, both versions are compared on the identical matches (tracking.compareVersions). */
  api?: ScorelineApi
  action: PendingAction
  busy: boolean
  error: string | null
  onConfirm: (reason: string) => void
  onCancel: () => void
}) {
  const [reason, setReason] = useState('')
  const cancelRef = useRef<HTMLButtonElement>(null)
  useEffect(() => cancelRef.current?.focus(), [])
  const { target, current } = action
  const te = evalOf(target)
  const ce = evalOf(current)
  const [versus, setVersus] = useState<VersionComparisonDto | null>(null)
  useEffect(() => {
    if (!api || !current || current.version === target.version) return
    let live = true
    void api.tracking
      .compareVersions({ name: action.modelName, base: current.version, other: target.version })
      .then((r) => live && r.ok && setVersus(r.value))
    return () => {
      live = false
    }
  }, [api, action.modelName, current, target.version])
  const same = versus?.comparison ?? null
  // the identical-match comparison when the runs recorded their match ids; else what the runs' counts say
  const matchSet: MatchSet | null =
    versus && same
      ? same.identical
        ? { kind: 'identical', n: same.n }
        : { kind: 'different', a: same.championN, b: same.candidateN }
      : compareMatchSets(ce, te)
  const championN = same ? same.championN : (ce?.matches ?? null)
  const targetN = same ? same.candidateN : (te?.matches ?? null)
  const verb = action.kind === 'promote' ? 'Promote' : 'Roll back to'
  const title = `${verb} v${target.version} of ${action.modelName}`
  return (
    <div className="modal-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="promotion-title"
        className="modal"
        data-testid="promotion-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !busy) onCancel()
          if (e.key === 'Tab') {
            // keep the focus inside the dialog while it is open
            const focusable = [
              ...e.currentTarget.querySelectorAll<HTMLElement>('input, button:not(:disabled)'),
            ]
            const first = focusable[0]
            const last = focusable[focusable.length - 1]
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault()
              last?.focus()
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault()
              first?.focus()
            }
          }
        }}
      >
        <h2 id="promotion-title">{title}?</h2>
        <p>
          The <strong>champion</strong> alias (the version the app predicts with) moves from{' '}
          {current ? <strong>v{current.version}</strong> : 'no version'} to <strong>v{target.version}</strong>
          . The decision is recorded on the version and in the promotion log.
        </p>
        <table className="table compact" data-testid="promotion-comparison">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Champion {current ? `v${current.version}` : '—'}
              </th>
              <th scope="col" className="num">
                v{target.version}
              </th>
              <th scope="col" className="num">
                Difference
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Evaluation window</th>
              <td className="num">{ce ? evalWindowLabel(ce) : '—'}</td>
              <td className="num">{te ? evalWindowLabel(te) : '—'}</td>
              <td />
            </tr>
            <tr data-testid="promotion-n">
              <th scope="row">Matches scored (n)</th>
              <td className="num" data-testid="champion-n">
                {nText(championN)}
              </td>
              <td className="num" data-testid="target-n">
                {nText(targetN)}
              </td>
              <td className="num" data-testid="match-set">
                {matchSet === null
                  ? ''
                  : matchSet.kind === 'identical'
                    ? 'same matches'
                    : matchSet.kind === 'different'
                      ? 'different matches'
                      : 'not known to be the same matches'}
              </td>
            </tr>
            {same && versus?.comparable && !same.identical && (
              <tr data-testid="common-rps">
                <th scope="row">RPS on the {same.n} matches both scored</th>
                <td className="num">{fmtNum(same.champion.served)}</td>
                <td className="num">{fmtNum(same.candidate.served)}</td>
                <td className="num">
                  {same.champion.served !== null && same.candidate.served !== null
                    ? fmtDelta(same.candidate.served - same.champion.served)
                    : '—'}
                </td>
              </tr>
            )}
            {JUDGED_METRICS.filter(
              (m) => te?.metrics[m.key] !== undefined || ce?.metrics[m.key] !== undefined,
            ).map((m) => {
              const a = ce?.metrics[m.key]
              const b = te?.metrics[m.key]
              return (
                <tr key={m.key}>
                  <th scope="row">{m.label}</th>
                  <td className="num">{fmtNum(a)}</td>
                  <td className="num">{fmtNum(b)}</td>
                  <td className="num">{a !== undefined && b !== undefined ? fmtDelta(b - a) : '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
        {matchSet?.kind === 'different' && (
          <p className="warn-panel" data-testid="window-warning">
            These versions were scored on different matches ({nText(matchSet.a)} vs {nText(matchSet.b)}), so
            their scores are not directly comparable
            {same && versus?.comparable ? `; on the ${same.n} matches both scored, see the row above` : ''}.
          </p>
        )}
        {versus && (
          <p className="small muted" data-testid="versus-note">
            {versus.note}
          </p>
        )}
        {matchSet?.kind === 'unknown' && (
          <p className="warn-panel" data-testid="window-warning">
            One of these runs did not record which matches it scored, so the scores may not be on the same
            matches ({nText(matchSet.a)} vs {nText(matchSet.b)}).
          </p>
        )}
        {(ce?.rpsSummary || te?.rpsSummary) && (
          <ul className="small muted" data-testid="rps-summaries">
            {current && ce?.rpsSummary && (
              <li>
                v{current.version}: {ce.rpsSummary}
              </li>
            )}
            {te?.rpsSummary && (
              <li>
                v{target.version}: {te.rpsSummary}
              </li>
            )}
          </ul>
        )}
        <label className="block">
          Reason (recorded with the decision)
          <input
            type="text"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={
              action.kind === 'promote'
                ? 'e.g. better calibrated on the last season'
                : 'e.g. v5 misprices promoted teams'
            }
            maxLength={500}
          />
        </label>
        {error && (
          <p role="alert" className="error-panel">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => onConfirm(reason.trim())}
            disabled={busy}
            data-testid="confirm-promotion"
          >
            {busy ? 'Working…' : `${verb} v${target.version}`}
          </button>
        </div>
      </div>
    </div>
  )
}
