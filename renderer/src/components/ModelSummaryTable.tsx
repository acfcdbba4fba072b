import type { AliasTargetDto, RegisteredModelDto } from '../../../shared/api/domains/tracking'
import { evalWindowLabel, fmtDelta, fmtNum, fmtTime } from '../pages/models/format'

/**
 * One row per registered model: its champion, what the champion's RPS is the RPS *of* ("served: market (blend
 * off)"), the market's and the model's own RPS on the same matches, the challenger and the evaluation window.
 * The Dashboard shows the champions; the Models screen every model with one selected (#20: one component
 * instead of two tables kept alike by hand).
 */
export function ModelSummaryTable({
  models,
  selected,
  onOpen,
  testId,
  rowTestId,
  caption,
}: {
  models: readonly RegisteredModelDto[]
  /** Each row's test id (the Dashboard's `champion-E0`, the Models screen's `model-scoreline-E0`). */
  rowTestId: (m: RegisteredModelDto) => string
  /** The model whose detail is open (highlighted), if any. */
  selected?: string | null
  onOpen: (name: string) => void
  testId: string
  caption?: string
}) {
  return (
    <div className="table-scroll">
      <table className="table compact model-summary" data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col" className="pin-left pin-edge">
              Model
            </th>
            <th scope="col" className="num">
              RPS <span className="muted small">(lower is better)</span>
            </th>
            <th scope="col" className="num">
              Market RPS
            </th>
            <th scope="col" className="num">
              vs market
            </th>
            <th scope="col">Challenger</th>
            <th scope="col">Trained</th>
            <th scope="col">Evaluation window</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const c = m.champion
            const delta = c && c.rps !== null && c.marketRps !== null ? c.rps - c.marketRps : null
            const isSelected = m.name === selected
            return (
              <tr key={m.name} className={isSelected ? 'selected-row' : undefined} data-testid={rowTestId(m)}>
                <th scope="row" className="pin-left pin-edge">
                  <div className="small">
                    <strong>{m.league ?? '—'}</strong>
                  </div>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={selected === undefined ? undefined : isSelected}
                    onClick={() => onOpen(m.name)}
                    title={`Open ${m.name}`}
                  >
                    {m.name} <span data-testid="model-champion">{c ? `v${c.version}` : '—'}</span>
                  </button>
                </th>
                <td className="num" data-testid="model-rps">
                  <RpsFigure target={c} />
                </td>
                <td
                  className="num"
                  title={c?.marginMethod ? `margin removed with the ${c.marginMethod} method` : undefined}
                >
                  {fmtNum(c?.marketRps)}
                  {c?.marginMethod && <div className="muted small">{c.marginMethod}</div>}
                </td>
                <td
                  className={`num ${delta === null || Math.abs(delta) < 5e-5 ? '' : delta < 0 ? 'good' : 'bad'}`}
                  title="champion RPS − market RPS on the same matches (negative: better than the market)"
                >
                  {fmtDelta(delta)}
                </td>
                <td data-testid="model-challenger">
                  {m.challenger ? (
                    <>
                      v{m.challenger.version}
                      <div className="muted small">RPS {fmtNum(m.challenger.rps)}</div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{fmtTime(c?.creationTime ?? m.lastUpdatedTime)}</td>
                <td className="small">
                  {c ? evalWindowLabel(c) : '—'}
                  {c?.countsNote && (
                    <div className="muted" data-testid="counts-note">
                      {c.countsNote}
                    </div>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/** "0.1971" with, under it, which forecast it is and the model's own RPS: "served: market (blend off) · model 0.2005". */
export function RpsFigure({ target }: { target: AliasTargetDto | null | undefined }) {
  if (!target) return <>—</>
  return (
    <>
      {fmtNum(target.rps)}
      {(target.served || target.modelRps !== undefined) && (
        <div className="muted small" data-testid="rps-forecast">
          {target.served ? `served: ${target.served}` : 'served'}
          {target.modelRps !== undefined && target.modelRps !== null
            ? ` · model ${fmtNum(target.modelRps)}`
            : ''}
        </div>
      )}
    </>
  )
}
