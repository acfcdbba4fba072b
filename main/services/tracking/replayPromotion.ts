/**
 * Settling a promotion decision queued offline, at replay (#21). The decision was taken against the champion
 * this desktop knew; if the server's champion is still that one (or already the candidate), it stands.
 * If another desktop promoted meanwhile, the candidate is judged again against the server's champion on the
 * matches both scored (their runs' per-match scores, `compareVersions`), with the same rule, margin and
 * decision id — and the record says so. Manual promotions and rollbacks are the analyst's call: applied as made.
 */
import { compareVersions } from './compareVersions'
import { promoteIfBetter } from './promotion'
import { CHAMPION, type DecisionToApply } from './promotionApply'
import type { TrackingStore } from './trackingStore'

export interface SettledPromotion {
  record: DecisionToApply
  /** One line for `runs push` when the decision was taken again. */
  note?: string
}

export async function settlePromotion(
  server: TrackingStore,
  record: DecisionToApply,
): Promise<SettledPromotion> {
  if (record.action !== 'promote' && record.action !== 'challenger') return { record }
  const current = await server.getVersionByAlias(record.modelName, CHAMPION)
  const known = record.previousVersion ?? null
  const now = current?.version ?? null
  if (now === known || now === record.version) return { record }
  const v = (x: string | null) => (x ? `v${x}` : 'none')
  const why =
    `the champion changed on the server while this desktop was offline (${v(known)} when decided, ` +
    `${v(now)} at replay)`
  const cmp = current
    ? await compareVersions(server, { name: record.modelName, base: current.version, other: record.version })
    : null
  const c = cmp?.comparable ? cmp.comparison : null
  let settled: DecisionToApply = record
  const decision = await promoteIfBetter(server, {
    modelName: record.modelName,
    candidateVersion: record.version,
    metric: record.metric ?? 'rps',
    margin: record.margin,
    evalWindow: record.evalWindow,
    decidedBy: record.decidedBy,
    now: record.decidedAt,
    decisionId: record.decisionId,
    redecided: `Re-decided on replay: ${why}`,
    ...(record.outcome === 'not-servable' ? { notServable: record.detail ?? 'not servable' } : {}),
    ...(c && c.candidate.served !== null && c.champion.served !== null
      ? {
          candidateScore: c.candidate.served,
          championScore: c.champion.served,
          matches: {
            n: c.n,
            identical: c.identical,
            candidateOnly: c.candidateOnly,
            championOnly: c.championOnly,
            matchSet: c.matchSet,
            note: `both versions' per-match scores read from their runs at replay`,
          },
          tieBreak: {
            metric: 'model_rps',
            ...(c.modelN > 0
              ? { candidateScore: c.candidate.model as number, championScore: c.champion.model as number }
              : {}),
          },
        }
      : {
          ...(record.candidateScore !== undefined ? { candidateScore: record.candidateScore } : {}),
          ...(cmp ? { notComparable: cmp.reason ?? 'no match scored by both' } : {}),
        }),
    apply: async (r) => {
      settled = r
      return { ...r, id: 0, target: '', state: 'queued' as const }
    },
  })
  return {
    record: settled,
    note:
      `${record.modelName} v${record.version}: ${why}; re-decided` +
      `${c ? ` on ${c.n} ${c.identical ? 'same' : 'common'} matches` : ''}: ${decision.reason}`,
  }
}
