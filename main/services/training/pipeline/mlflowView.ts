/**
 * What MLflow users see of a pipeline run (#21): who and what started it ("Source", "Created by") and the
 * ξ search as a table column (the chosen ξ's score) and as a curve whose x axis is ξ.
 */
import os from 'node:os'
import type { XiSelection } from '../../../model/backtest'
import { TAGS } from '../../tracking/trackingStore'
import type { PipelineTrigger } from './types'

/** The OS user running the app (MLflow's "Created by"); the environment's when the OS has no entry. */
export function osUserName(): string {
  try {
    const name = os.userInfo().username
    if (name) return name
  } catch {
    // no passwd entry (some containers): fall back to the environment
  }
  return process.env.USER || process.env.USERNAME || 'unknown'
}

/** `mlflow.source.name` and `mlflow.user` for a pipeline run started by `trigger`. */
export function runSourceTags(trigger: PipelineTrigger, user: string = osUserName()): Record<string, string> {
  return {
    [TAGS.source]: trigger === 'cli' ? 'scoreline pipeline run' : 'scoreline pipeline',
    [TAGS.user]: user,
  }
}

/** The ξ×10⁴ step a grid point is logged at: the metric's history is then a curve over ξ. */
export const xiStep = (xi: number) => Math.round(xi * 10_000)

export interface XiMetricPoint {
  key: string
  value: number
  timestamp: number
  step: number
}

/**
 * `xi_best_rps` (the chosen ξ's walk-forward RPS, one value a runs table can show beside the `xi` param)
 * and `xi_grid_rps` at step round(ξ×10⁴) per grid point that predicted anything.
 */
export function xiSearchMetrics(choice: XiSelection, timestamp: number): XiMetricPoint[] {
  const points: XiMetricPoint[] = [{ key: 'xi_best_rps', value: choice.rps, timestamp, step: 0 }]
  for (const g of choice.grid) {
    if (g.rps === null || !Number.isFinite(g.rps)) continue
    points.push({ key: 'xi_grid_rps', value: g.rps, timestamp, step: xiStep(g.xi) })
  }
  return points
}
