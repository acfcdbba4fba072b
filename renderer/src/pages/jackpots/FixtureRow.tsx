import { useState } from 'react'
import type { FixtureAnalysisDto } from '../../../../shared/api/domains/jackpots'
import type { Pick } from '../../stores/jackpotStore'
import { OUTCOME_LABEL, pct, points } from './format'
import { STAGE_WORDS, Waterfall } from './Waterfall'

const PICKS: Pick[] = ['H', 'D', 'A', 'HD', 'HA', 'DA']

function Triple({
  p,
  testid,
  prices,
}: {
  p: readonly number[] | null | undefined
  testid?: string
  /** Decimal odds shown under each probability (the market's: entered or from the snapshot). */
  prices?: readonly number[]
}) {
  if (!p)
    return (
      <td className="muted" colSpan={3}>
        —
      </td>
    )
  return (
    <>
      {p.map((x, i) => (
        <td key={i} className="num" data-testid={testid ? `${testid}-${i}` : undefined}>
          {pct(x)}
          {prices && <span className="jp-odds">@ {prices[i].toFixed(2)}</span>}
        </td>
      ))}
    </>
  )
}

export function FixtureRow({
  fixture,
  onPick,
  initiallyOpen = false,
}: {
  fixture: FixtureAnalysisDto
  onPick: (pick: Pick | null) => void
  /** Show the explanation without a click ("Show all explanations", the printed report). */
  initiallyOpen?: boolean
}) {
  const [open, setOpen] = useState(initiallyOpen)
  const f = fixture
  const pickValue = f.pick ? (f.pick.outcomes.join('') as Pick) : ''
  const j = f.explanation ? ['H', 'D', 'A'].indexOf(f.explanation.outcome) : 0
  return (
    <>
      <tr data-testid={`fixture-${f.position}`}>
        <td>{f.position}</td>
        <th scope="row">
          <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {f.home} v {f.away}
          </button>
          {f.problems.length > 0 && <div className="bad small">{f.problems.join(' ')}</div>}
          {f.market && (
            <div className="muted small" data-testid={`odds-source-${f.position}`}>
              {f.market.bookmaker === 'entered'
                ? 'odds entered on the jackpot'
                : `odds from the latest snapshot: ${f.market.source}`}
            </div>
          )}
          {f.warnings.length > 0 && (
            <div className="warn small" data-testid={`warnings-${f.position}`}>
              {f.warnings
                .filter((w) => w.code !== 'no-model' || f.problems.length === 0)
                .map((w) => w.message)
                .join(' · ')}
            </div>
          )}
        </th>
        <Triple p={f.model?.probabilities} />
        <Triple p={f.market?.probabilities} prices={f.market?.prices} testid={`market-${f.position}`} />
        <Triple p={f.final?.probabilities} testid={`final-${f.position}`} />
        <td className="num">{f.model ? `${f.model.lambda.toFixed(2)} / ${f.model.mu.toFixed(2)}` : '—'}</td>
        <td>
          <select
            aria-label={`Pick for ${f.home} v ${f.away}`}
            value={f.pick?.chosen ? pickValue : ''}
            onChange={(e) => onPick(e.target.value === '' ? null : (e.target.value as Pick))}
          >
            <option value="">auto ({pickValue || '—'})</option>
            {PICKS.map((p) => (
              <option key={p} value={p}>
                {p.length === 2 ? `${p[0]} or ${p[1]}` : p}
              </option>
            ))}
          </select>
        </td>
        <td className="num">{f.pick ? pct(f.pick.probability) : '—'}</td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={14}>
            <div className="fixture-detail" data-testid={`explanation-${f.position}`}>
              {f.explanation ? (
                <>
                  <p className="sentence" data-testid={`served-source-${f.position}`}>
                    {f.explanation.source}
                  </p>
                  <p className="sentence">{f.explanation.sentence}</p>
                  <div className="grid-2">
                    <Waterfall
                      explanation={f.explanation}
                      outcomeIndex={j}
                      label={OUTCOME_LABEL[f.explanation.outcome]}
                    />
                    <table className="table compact">
                      <caption>
                        From an even match-up to the served P({OUTCOME_LABEL[f.explanation.outcome]}),
                        percentage points: the model&apos;s components (Shapley values, they add up to the
                        model exactly), then the serving stages. {f.explanation.note}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Step</th>
                          <th scope="col">Home</th>
                          <th scope="col">Draw</th>
                          <th scope="col">Away</th>
                        </tr>
                      </thead>
                      <tbody>
                        <tr>
                          <td>Baseline (average v average, neutral)</td>
                          {f.explanation.baseline.map((x, i) => (
                            <td key={i} className="num">
                              {pct(x)}
                            </td>
                          ))}
                        </tr>
                        {f.explanation.steps.map((c) => (
                          <tr key={c.key} className={c.kind === 'stage' ? 'stage-step' : undefined}>
                            <td>{c.label}</td>
                            {c.delta.map((x, i) => (
                              <td key={i} className="num">
                                {points(x)}
                              </td>
                            ))}
                          </tr>
                        ))}
                        <tr>
                          <td>Model alone</td>
                          {f.explanation.model.map((x, i) => (
                            <td key={i} className="num">
                              {pct(x)}
                            </td>
                          ))}
                        </tr>
                        <tr>
                          <th scope="row">Served: {STAGE_WORDS[f.explanation.stage]}</th>
                          {f.explanation.served.map((x, i) => (
                            <td key={i} className="num">
                              <strong>{pct(x)}</strong>
                            </td>
                          ))}
                        </tr>
                      </tbody>
                    </table>
                  </div>
                </>
              ) : (
                <p className="muted">No model explanation for this fixture.</p>
              )}
              <dl className="facts">
                {f.market && (
                  <>
                    <dt>Market</dt>
                    <dd>
                      {f.market.source}: {f.market.prices.map((o) => o.toFixed(2)).join(' / ')}; margin{' '}
                      {pct(f.market.margin)} removed with the {f.market.method} method
                    </dd>
                  </>
                )}
                {f.blend && (
                  <>
                    <dt>Blend</dt>
                    <dd>
                      {f.blend.kind} pool, α = {f.blend.alpha.toFixed(3)} (weight on the model
                      {f.blend.alpha === 0
                        ? '; 0: the blend has not beaten the market out of sample'
                        : ''}): {f.blend.probabilities.map((x) => pct(x)).join(' / ')}
                    </dd>
                  </>
                )}
                {f.calibrated && (
                  <>
                    <dt>Calibrated</dt>
                    <dd>
                      {f.calibrated.kind}: {f.calibrated.probabilities.map((x) => pct(x)).join(' / ')}
                    </dd>
                  </>
                )}
                {f.model && (
                  <>
                    <dt>Likely scores</dt>
                    <dd>
                      {f.model.topScores.map((s) => `${s.home}-${s.away} ${pct(s.probability)}`).join(' · ')}
                    </dd>
                  </>
                )}
              </dl>
            </div>
          </td>
        </tr>
      )}
    </>
  )
}
