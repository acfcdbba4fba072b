import type { ModelUsed } from '../../../shared/pricing'
import type { LeagueModel } from '../jackpots/leagueModel'

const said = new WeakMap<LeagueModel, ModelUsed>()

/** Where a league's prices come from, said the same way on every screen, command and export. */
export function modelUsedOf(m: LeagueModel): ModelUsed {
  let used = said.get(m)
  if (!used) said.set(m, (used = describeModel(m)))
  return used
}

function describeModel(m: LeagueModel): ModelUsed {
  const { asOf, xi, nMatches } = m.model
  const champion = m.source.kind === 'champion' ? m.source : null
  const summary = champion
    ? `champion ${champion.modelName} v${champion.version} (run ${champion.runId.slice(0, 8)}), data as of ${asOf}, ξ ${xi}, ${nMatches} matches`
    : `fitted now on ${nMatches} matches, ξ ${xi}, data as of ${asOf}`
  return {
    league: m.league,
    kind: m.source.kind,
    modelName: champion?.modelName ?? null,
    version: champion?.version ?? null,
    runId: champion?.runId ?? null,
    dataAsOf: asOf,
    xi,
    matches: nMatches,
    reason: m.source.kind === 'fitted-on-the-fly' ? m.source.reason : null,
    marginMethod: m.margin,
    blend: m.blend ? { kind: m.blend.kind, alpha: m.alphaFitted === false ? null : m.blend.alpha } : null,
    calibrator: m.calibrator?.kind ?? null,
    summary,
    description: m.source.description,
  }
}
