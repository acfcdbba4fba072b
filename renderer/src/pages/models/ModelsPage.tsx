import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { ModelDetailDto, ModelVersionDto } from '../../../../shared/api/domains/tracking'
import { useTrackingStore } from '../../stores/trackingStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { evalWindowLabel, fmtDelta, fmtNum, fmtTime, modelVariantOf } from './format'
import { PromotionDialog, type PendingAction } from './PromotionDialog'
import { ModelSummaryTable } from '../../components/ModelSummaryTable'
import { decisionLabel, shortText } from '../../../../shared/modelReport'
import { servedLabelFromMetrics } from '../../../../shared/servedFromMetrics'

/** Tags the promotion writes on a version (main/services/tracking/promotion.ts PROMOTION_TAGS). */
const OUTCOME_TAG = 'scoreline.promotion.outcome'
const DETAIL_TAG = 'scoreline.promotion.detail'

/**
 * A decision as the analyst reads it (#20): the label that agrees with what happened (shared/modelReport:
 * "champion (first version)", never "beat the champion" for a first version), one short sentence, and the
 * full account one click away.
 */
export function DecisionText({
  outcome,
  action,
  reason,
  detail,
  decidedBy,
  showLabel = true,
}: {
  showLabel?: boolean
  outcome: string | null | undefined
  action: string
  reason: string | null | undefined
  detail: string | null | undefined
  decidedBy?: string | null
}) {
  return (
    <div className="decision" data-testid="decision">
      {showLabel && <strong data-testid="decision-label">{decisionLabel({ outcome, action })}</strong>}
      {reason ? (
        <span data-testid="decision-reason">
          {showLabel ? ' — ' : ''}
          {shortText(reason)}
        </span>
      ) : null}
      {decidedBy ? <span className="muted"> ({decidedBy})</span> : null}
      {detail && detail !== reason && (
        <details className="decision-detail">
          <summary>Detail</summary>
          <p data-testid="decision-detail">{detail}</p>
        </details>
      )}
    </div>
  )
}

/** The version the champion would roll back to: the one it replaced, from the promotion log. */
export function rollbackTarget(detail: ModelDetailDto): string | null {
  const champion = detail.model.aliases.champion
  if (!champion) return null
  const last = detail.history.find(
    (r) => r.alias === 'champion' && r.version === champion && r.action !== 'challenger',
  )
  return last?.previousVersion ?? null
}

export function ModelsPage({ api }: { api: ScorelineApi }) {
  const { models, selectedModel, detail, loadModels, openModel, watch } = useTrackingStore()

  useEffect(() => {
    void loadModels(api).then(() => {
      const s = useTrackingStore.getState()
      const first = s.models.data?.[0]?.name
      if (!s.selectedModel && first) void s.openModel(api, first)
      else if (s.selectedModel) void s.openModel(api, s.selectedModel)
    })
    return watch(api)
  }, [api, loadModels, watch])

  return (
    <section className="page" aria-labelledby="models-title">
      <header className="page-header">
        <h1 id="models-title">Models</h1>
        <button type="button" onClick={() => void loadModels(api)} disabled={models.loading}>
          {models.loading ? 'Loading…' : 'Refresh'}
        </button>
      </header>
      {models.error && (
        <div role="alert" className="error-panel" data-testid="models-error">
          <strong>{models.error.code}</strong>: {models.error.message}{' '}
          <button type="button" onClick={() => void loadModels(api)}>
            Try again
          </button>
        </div>
      )}
      {models.data?.[0]?.offlineAsOf != null && (
        <p role="status" className="muted" data-testid="models-offline">
          Offline, as of {fmtTime(models.data[0].offlineAsOf)}: the MLflow server did not answer, so this list
          is this desktop&apos;s copy.
        </p>
      )}
      {models.loading && !models.data && <p className="muted">Loading the registry…</p>}
      {models.data && models.data.length === 0 && (
        <div className="empty-state" data-testid="no-models">
          <p>
            No registered model yet. Each successful training run registers a version of its league's model.
          </p>
          <button type="button" onClick={() => useNavigationStore.getState().go('training')}>
            Go to Training
          </button>
        </div>
      )}
      {models.data && models.data.length > 0 && (
        <ModelSummaryTable
          models={models.data}
          selected={selectedModel}
          testId="models-table"
          rowTestId={(m) => `model-${m.name}`}
          caption="Registered models: the champion predicts; the challenger is the latest version that did not beat it."
          onOpen={(name) => void openModel(api, name)}
        />
      )}
      {selectedModel && <ModelDetail api={api} name={selectedModel} />}
      {detail.error && !detail.data && (
        <p role="alert" className="error-panel">
          {detail.error.message}
        </p>
      )}
    </section>
  )
}

function ModelDetail({ api, name }: { api: ScorelineApi; name: string }) {
  const { detail, promote, rollback } = useTrackingStore()
  const [pending, setPending] = useState<PendingAction | null>(null)
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const data = detail.data?.model.name === name ? detail.data : null
  if (!data) return detail.loading ? <p className="muted">Loading {name}…</p> : null

  const byVersion = new Map(data.versions.map((v) => [v.version, v]))
  const champion = data.model.aliases.champion ? (byVersion.get(data.model.aliases.champion) ?? null) : null
  const back = rollbackTarget(data)
  const backVersion = back ? (byVersion.get(back) ?? null) : null

  const ask = (kind: PendingAction['kind'], target: ModelVersionDto) => {
    setActionError(null)
    setNotice(null)
    setPending({ kind, modelName: name, target, current: champion })
  }
  const confirm = async (reason: string) => {
    if (!pending) return
    setBusy(true)
    const input = { name, ...(reason ? { reason } : {}) }
    const result =
      pending.kind === 'promote'
        ? await promote(api, { ...input, version: pending.target.version })
        : await rollback(api, { ...input, toVersion: pending.target.version })
    setBusy(false)
    if (!result.ok) {
      setActionError(`${result.error.code}: ${result.error.message}`)
      return
    }
    setPending(null)
    setNotice(`v${result.value.version} is now the champion of ${name} (${result.value.reason}).`)
  }

  return (
    <section className="panel" aria-labelledby="model-detail-title" data-testid="model-detail">
      <header className="page-header">
        <h2 id="model-detail-title">{name}</h2>
        <button
          type="button"
          disabled={!backVersion}
          title={
            backVersion
              ? `Point champion back at v${backVersion.version}`
              : 'No earlier champion in the promotion log'
          }
          onClick={() => backVersion && ask('rollback', backVersion)}
          data-testid="rollback"
        >
          {backVersion ? `Roll back to v${backVersion.version}` : 'Roll back'}
        </button>
      </header>
      {data.model.offlineAsOf != null && (
        <p role="status" className="muted" data-testid="model-offline">
          Offline, as of {fmtTime(data.model.offlineAsOf)}: these versions and figures are this desktop&apos;s
          copy; the champion and the promotion history are as this desktop knows them now.
        </p>
      )}
      {data.model.description && <p className="muted">{data.model.description}</p>}
      {notice && (
        <p role="status" className="ok-panel" data-testid="promotion-notice">
          {notice}
        </p>
      )}
      <h3>Versions</h3>
      <div className="table-scroll">
        <table className="table compact" data-testid="versions-table">
          <thead>
            <tr>
              <th scope="col" className="pin-left pin-edge">
                Version
              </th>
              <th scope="col" className="num">
                RPS
              </th>
              <th scope="col" className="num">
                Market
              </th>
              <th scope="col" className="num">
                vs market
              </th>
              <th scope="col">Aliases</th>
              <th scope="col">Model</th>
              <th scope="col">Evaluation window</th>
              <th scope="col">Registered</th>
              <th scope="col" className="num">
                Log loss
              </th>
              <th scope="col">Decision</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => {
              const e = v.evaluation
              const rps = e?.metrics.rps
              const market = e?.metrics.market_rps
              const served = e ? servedLabelFromMetrics(e.metrics) : null
              const isChampion = v.aliases.includes('champion')
              return (
                <tr key={v.version} data-testid={`version-${v.version}`}>
                  <th scope="row" className="pin-left pin-edge">
                    v{v.version}
                  </th>
                  <td className="num">
                    {fmtNum(rps)}
                    {served && (
                      <div className="muted small" data-testid="version-served">
                        served: {served}
                      </div>
                    )}
                  </td>
                  <td className="num">{fmtNum(market)}</td>
                  <td className="num">
                    {rps !== undefined && market !== undefined ? fmtDelta(rps - market) : '—'}
                  </td>
                  <td>
                    {v.aliases.map((a) => (
                      <span key={a} className={`badge alias-${a}`}>
                        {a}
                      </span>
                    ))}
                  </td>
                  <td data-testid="version-variant">{modelVariantOf(v) ?? '—'}</td>
                  <td>{e ? evalWindowLabel(e) : <span className="muted">run not readable</span>}</td>
                  <td>{fmtTime(v.creationTime)}</td>
                  <td className="num">{fmtNum(e?.metrics.calibrated_log_loss)}</td>
                  <td className="small">
                    {v.decision ? (
                      <DecisionText
                        outcome={v.decision.outcome ?? v.tags[OUTCOME_TAG]}
                        action={v.decision.action}
                        reason={v.decision.reason}
                        detail={v.decision.detail ?? v.tags[DETAIL_TAG]}
                        decidedBy={v.decision.decidedBy}
                      />
                    ) : (
                      <span className="muted">no decision recorded</span>
                    )}
                  </td>
                  <td>
                    {!isChampion && (
                      <button
                        type="button"
                        onClick={() => ask('promote', v)}
                        data-testid={`promote-${v.version}`}
                      >
                        Promote…
                      </button>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>

      <h3>Promotion history</h3>
      {data.history.length === 0 ? (
        <p className="muted">No decision recorded yet for this registry.</p>
      ) : (
        <div className="table-scroll">
          <table className="table compact" data-testid="promotion-history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Decision</th>
                <th scope="col">Version</th>
                <th scope="col">Previous champion</th>
                <th scope="col" className="num">
                  Candidate
                </th>
                <th scope="col" className="num">
                  Champion
                </th>
                <th scope="col" className="num">
                  Margin
                </th>
                <th scope="col" className="num">
                  Matches (n)
                </th>
                <th scope="col">Decided by</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {data.history.map((r) => (
                <tr key={r.id}>
                  <td>{fmtTime(r.decidedAt)}</td>
                  <td>{decisionLabel(r)}</td>
                  <td>v{r.version}</td>
                  <td>{r.previousVersion ? `v${r.previousVersion}` : '—'}</td>
                  <td className="num">
                    {fmtNum(r.candidateScore)}
                    {r.metric ? <span className="muted"> {r.metric}</span> : null}
                  </td>
                  <td className="num">{fmtNum(r.championScore)}</td>
                  <td className="num">{fmtNum(r.margin)}</td>
                  <td className="num" data-testid="history-n">
                    {r.matches ?? '—'}
                    {r.matchesIdentical === true && <div className="muted small">same matches</div>}
                    {r.matchesIdentical === false && (
                      <div className="muted small">re-scored on the matches both scored</div>
                    )}
                  </td>
                  <td>{r.decidedBy}</td>
                  <td className="small">
                    <DecisionText
                      outcome={r.outcome}
                      action={r.action}
                      reason={r.reason}
                      detail={r.detail}
                      showLabel={false}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pending && (
        <PromotionDialog
          api={api}
          action={pending}
          busy={busy}
          error={actionError}
          onCancel={() => setPending(null)}
          onConfirm={(reason) => void confirm(reason)}
        />
      )}
    </section>
  )
}
