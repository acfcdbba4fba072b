import { useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { JackpotAnalysisDto } from '../../../../shared/api/domains/jackpots'
import { useJackpotStore, type Pick } from '../../stores/jackpotStore'
import { oneInText, PrizeTiers } from './PrizeTiers'
import { FixtureRow } from './FixtureRow'
import { CorrectDistribution } from './CorrectDistribution'
import { pct } from './format'
import { TicketPlanner } from './TicketPlanner'

/**
 * One priced jackpot: which model priced it, the coupon summary, ticket planning and every fixture with
 * its explanation (one at a time, or all at once for reading or printing the report).
 */
export function JackpotAnalysisView({
  api,
  analysis,
  selectedId,
  onPick,
  onRemove,
  initiallyExpanded = false,
}: {
  api: ScorelineApi
  analysis: JackpotAnalysisDto
  selectedId: string | null
  onPick(position: number, pick: Pick | null): void
  onRemove(id: string): void
  initiallyExpanded?: boolean
}) {
  const [expandAll, setExpandAll] = useState(initiallyExpanded)
  const provider = useJackpotStore((s) => s.list?.find((j) => j.id === selectedId)?.provider ?? null)
  return (
    <article aria-labelledby="analysis-title" data-testid="jackpot-analysis">
      <header className="page-header">
        <h2 id="analysis-title">{analysis.name}</h2>
        <div className="actions no-print">
          <button
            type="button"
            onClick={async () => {
              if (!selectedId) return
              const result = await api.jackpots.exportCsv({ id: selectedId })
              if (!result.ok) return
              const url = URL.createObjectURL(new Blob([result.value.csv], { type: 'text/csv' }))
              const link = document.createElement('a')
              link.href = url
              link.download = result.value.fileName
              link.click()
              URL.revokeObjectURL(url)
            }}
          >
            Export CSV
          </button>
          <button type="button" aria-pressed={expandAll} onClick={() => setExpandAll(!expandAll)}>
            {expandAll ? 'Hide explanations' : 'Show all explanations'}
          </button>
          <button type="button" onClick={() => window.print()}>
            Print report
          </button>
          <button type="button" onClick={() => selectedId && onRemove(selectedId)}>
            Delete
          </button>
        </div>
      </header>
      <ModelSources models={analysis.models} />
      {analysis.summary && (
        <section className="panel grid-2" aria-label="Coupon summary" data-testid="jackpot-summary">
          <div>
            <dl className="facts big">
              <dt>Every pick right</dt>
              <dd data-testid="p-all">
                {analysis.summary.pAllCorrect < 0.0001
                  ? analysis.summary.pAllCorrect.toExponential(2)
                  : pct(analysis.summary.pAllCorrect, 3)}{' '}
                <span className="muted">({oneInText(analysis.summary.pAllCorrect)})</span>
              </dd>
              <dt>Expected correct</dt>
              <dd data-testid="expected-correct">
                {analysis.summary.expectedCorrect.toFixed(2)} of {analysis.summary.priced}
              </dd>
              <dt>Riskiest picks</dt>
              <dd>
                {analysis.summary.riskiest
                  .slice(0, 3)
                  .map((r) => {
                    const f = analysis.fixtures.find((x) => x.position === r.position)
                    return `#${r.position} ${f?.home} v ${f?.away} (${pct(r.probability)})`
                  })
                  .join(' · ')}
              </dd>
            </dl>
          </div>
          <CorrectDistribution
            distribution={analysis.summary.distribution}
            atLeast={analysis.summary.atLeast}
          />
          <PrizeTiers api={api} provider={provider} distribution={analysis.summary.distribution} />
        </section>
      )}
      {selectedId && <TicketPlanner key={selectedId} api={api} id={selectedId} />}
      <div className="table-scroll">
        <table className="table fixtures" data-testid="fixtures-table">
          <thead>
            <tr>
              <th rowSpan={2}>#</th>
              <th rowSpan={2}>Fixture</th>
              <th colSpan={3}>Model</th>
              <th colSpan={3}>Market (margin removed) @ odds</th>
              <th colSpan={3}>Final</th>
              <th rowSpan={2}>λ / μ</th>
              <th rowSpan={2}>Pick</th>
              <th rowSpan={2}>P(pick)</th>
            </tr>
            <tr>
              {['H', 'D', 'A', 'H', 'D', 'A', 'H', 'D', 'A'].map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {analysis.fixtures.map((f) => (
              <FixtureRow
                fixture={f}
                key={`${f.position}:${expandAll}`}
                initiallyOpen={expandAll}
                onPick={(pick) => onPick(f.position, pick)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </article>
  )
}

/** Which model priced each league: the promoted champion (name and version) or a fit made now, and why. */
export function ModelSources({ models }: { models: JackpotAnalysisDto['models'] }) {
  if (models.length === 0) return null
  return (
    <div data-testid="model-sources" aria-label="Models used">
      {models.map((m) => (
        <p key={m.league} className="small" data-testid={`model-source-${m.league}`}>
          <strong>
            {m.league}:{' '}
            {m.source.kind === 'champion'
              ? `priced with champion ${m.source.modelName} v${m.source.version}`
              : `fitted on the fly: ${m.source.reason ?? 'no champion yet'}`}
          </strong>
          <span className="muted">
            {' '}
            — {m.description}
            {m.evaluation?.model && m.evaluation?.market && (
              <>
                . Walk-forward RPS: model {m.evaluation.model.rps.toFixed(4)}, market{' '}
                {m.evaluation.market.rps.toFixed(4)}
                {m.evaluation.calibrated ? `, calibrated ${m.evaluation.calibrated.rps.toFixed(4)}` : ''}
              </>
            )}
          </span>
        </p>
      ))}
    </div>
  )
}
