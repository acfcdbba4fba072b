/**
 * Model health per league, for the league's champion (registry alias `champion` of `scoreline-<league>`):
 *  - evaluation: the champion's walk-forward forecasts (its run's `predictions.csv`), the numbers it was
 *    promoted on;
 *  - recent: the champion, unchanged, applied to the matches played after its training as-of date that are
 *    now in the local store (after an import or a sync): model, market (the app's market preference, margin
 *    removed with the champion's method), blend (its α), calibrated (its calibrator);
 *  - reliability diagrams with ECE, rolling RPS against the market across both, and the alerts.
 * Thresholds are stored settings (`health.*`, see {@link THRESHOLD_KEYS}), read on every call.
 */
import type Database from 'better-sqlite3'
import { listMatches } from '../data/queries'
import { DEFAULT_MARKET_PREFERENCE } from '../data/csv'
import type { SettingsStore } from '../data/db'
import type { TrackingStore } from '../tracking/trackingStore'
import { CHAMPION } from '../tracking/promotion'
import { registeredModelName } from '../tracking/modelName'
import type { ModelArtifact } from '../training/artifacts'
import { pickOdds } from '../training/leagueData'
import { MARKET_PREFERENCE } from '../../../shared/marketPreference'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import type { BlendKind } from '../../model/blend'
import {
  DEFAULT_HEALTH_THRESHOLDS,
  comparableRows,
  judgeHealth,
  parsePredictionsCsv,
  phaseMetrics,
  reliabilityDiagrams,
  rollingRps,
  type ForecastRow,
  type HealthAlert,
  type HealthState,
  type HealthThresholds,
  type HealthVerdict,
  type PhaseMetrics,
  type ReliabilityDiagram,
  type RollingPoint,
} from './healthMath'
import { forecastMatches } from './recentForecasts'
import { valuePanel, type ValuePanel } from './valuePanel'
import { goalsPanelFor, type GoalsPanel } from './goalsPanel'
import { playedAfter, playedMatchInput } from './playedAfter'
import { matchKey } from '../../model/backtest/valueInput'

/** Stored settings the service reads (app database `settings` table); absent or invalid: the default. */
export const THRESHOLD_KEYS = {
  rps: 'health.rpsThreshold',
  ece: 'health.eceThreshold',
  minRecent: 'health.minRecentMatches',
  window: 'health.rollingWindow',
} as const satisfies Record<keyof HealthThresholds, string>

/** The league's registered model: the one rule (tracking/modelName.ts). */
export const modelNameOf = (league: string): string => registeredModelName(league)

export interface ChampionInfo {
  modelName: string
  version: string
  runId: string
  /** The model's as-of date: its last training match. "Recent" matches are played after it. */
  trainedTo: string
  evaluation: { season: string | null; from: string | null; to: string | null }
  blend: { kind: string; alpha: number | null }
  calibration: string | null
  margin: MarginMethod
  market: string
}

export interface PhaseReport {
  /** Matches scored (every forecast present). */
  n: number
  from: string | null
  to: string | null
  metrics: PhaseMetrics
  reliability: ReliabilityDiagram[]
}

export interface HealthReport {
  league: string
  state: 'no-champion' | 'ready'
  message: string
  thresholds: HealthThresholds
  champion: ChampionInfo | null
  evaluation: PhaseReport | null
  recent: (PhaseReport & { skipped: { count: number; teams: string[] } }) | null
  rolling: { window: number; boundaryDate: string | null; points: RollingPoint[] } | null
  verdict: HealthVerdict | null
  /** Does the model's edge pay at Pinnacle's pre-match price, evaluation and recent matches together (#22 §3)? */
  value?: ValuePanel | null
  /** The champion's O/U 2.5 and Asian handicap against Pinnacle's prices, evaluation and recent (#22 §2). */
  goals?: GoalsPanel | null
}

export interface HealthLeague {
  league: string
  champion: { version: string; trainedTo: string } | null
  /** Played matches in the local store after the champion's as-of date. */
  matchesAfter: number
}

export interface LeagueHealthStatus {
  league: string
  modelVersion: string | null
  state: HealthState | 'no-champion' | 'error'
  message: string
}

export interface HealthAlerts {
  thresholds: HealthThresholds
  alerts: HealthAlert[]
  leagues: LeagueHealthStatus[]
  checkedAt: string
}

export interface HealthService {
  leagues(): Promise<HealthLeague[]>
  report(league: string): Promise<HealthReport>
  alerts(): Promise<HealthAlerts>
}

export interface HealthServiceDeps {
  db: Database.Database
  settings: Pick<SettingsStore, 'get'>
  /** The current tracking store (the app's, reopened when Settings change MLflow). */
  tracking: () => TrackingStore
  now?: () => Date
}

export function readThresholds(settings: Pick<SettingsStore, 'get'>): HealthThresholds {
  const num = (key: string, fallback: number, ok: (x: number) => boolean) => {
    const raw = settings.get(key)
    const x = raw === undefined ? Number.NaN : Number(raw)
    return Number.isFinite(x) && ok(x) ? x : fallback
  }
  const d = DEFAULT_HEALTH_THRESHOLDS
  const positiveInt = (x: number) => Number.isInteger(x) && x >= 1
  return {
    rps: num(THRESHOLD_KEYS.rps, d.rps, (x) => x >= 0),
    ece: num(THRESHOLD_KEYS.ece, d.ece, (x) => x >= 0),
    minRecent: num(THRESHOLD_KEYS.minRecent, d.minRecent, positiveInt),
    window: num(THRESHOLD_KEYS.window, d.window, positiveInt),
  }
}

interface LoadedChampion {
  info: ChampionInfo
  artifact: ModelArtifact
  evaluationRows: ForecastRow[]
}

export function createHealthService(deps: HealthServiceDeps): HealthService {
  const now = deps.now ?? (() => new Date())
  // A run's artifacts never change: keep the parsed ones (keyed by run id).
  const byRun = new Map<
    string,
    { artifact: ModelArtifact; rows: ForecastRow[]; metrics?: Record<string, number> }
  >()

  const leagueCodes = () =>
    deps.db
      .prepare('SELECT DISTINCT league_code FROM matches WHERE deleted = 0 ORDER BY league_code')
      .pluck()
      .all() as string[]

  async function loadChampion(league: string): Promise<LoadedChampion | null> {
    const tracking = deps.tracking()
    const version = await tracking.getVersionByAlias(modelNameOf(league), CHAMPION)
    if (!version?.runId) return null
    let cached = byRun.get(version.runId)
    if (!cached) {
      const [modelBytes, predictionBytes] = await Promise.all([
        tracking.downloadArtifact(version.runId, 'model/model.json'),
        tracking.downloadArtifact(version.runId, 'predictions.csv'),
      ])
      const artifact = JSON.parse(Buffer.from(modelBytes).toString('utf8')) as ModelArtifact
      cached = { artifact, rows: parsePredictionsCsv(Buffer.from(predictionBytes).toString('utf8')) }
      byRun.set(version.runId, cached)
    }
    const { artifact } = cached
    const s = artifact.settings
    const str = (k: string) => (typeof s[k] === 'string' || typeof s[k] === 'number' ? String(s[k]) : null)
    const margin = (MARGIN_METHODS as readonly string[]).includes(str('margin_method') ?? '')
      ? (str('margin_method') as MarginMethod)
      : 'shin'
    return {
      artifact,
      evaluationRows: cached.rows,
      info: {
        modelName: modelNameOf(league),
        version: version.version,
        runId: version.runId,
        trainedTo: artifact.model.asOf,
        evaluation: { season: str('eval_season'), from: str('eval_from'), to: str('eval_to') },
        blend: { kind: artifact.blend.kind, alpha: artifact.blend.alpha },
        calibration: artifact.calibrator?.kind ?? null,
        margin,
        market: MARKET_PREFERENCE.map((k) => k.label).join(', else '),
      },
    }
  }

  /** The champion run's logged metrics (goals_* among them); {} when the store cannot say. */
  async function runMetrics(runId: string): Promise<Record<string, number>> {
    const cached = byRun.get(runId)
    if (cached?.metrics) return cached.metrics
    const metrics = await deps
      .tracking()
      .getRun(runId)
      .then((r) => r.metrics)
      .catch(() => ({}))
    if (cached) cached.metrics = metrics
    return metrics
  }

  function phase(rows: ForecastRow[]): PhaseReport {
    return {
      n: rows.length,
      from: rows[0]?.date ?? null,
      to: rows.at(-1)?.date ?? null,
      metrics: phaseMetrics(rows),
      reliability: reliabilityDiagrams(rows),
    }
  }

  async function report(league: string): Promise<HealthReport> {
    const thresholds = readThresholds(deps.settings)
    const champion = await loadChampion(league)
    if (!champion) {
      return {
        league,
        state: 'no-champion',
        message: `${league} has no champion model yet: run the training pipeline (Train now on the Training screen, or scoreline pipeline run) to train and promote one.`,
        thresholds,
        champion: null,
        evaluation: null,
        recent: null,
        rolling: null,
        verdict: null,
      }
    }
    const { info, artifact } = champion
    const evaluationRows = comparableRows(champion.evaluationRows)
    const after = playedAfter(deps.db, league, info.trainedTo).map((m) => ({
      ...playedMatchInput(m),
      odds: pickOdds(m, DEFAULT_MARKET_PREFERENCE),
    }))
    const forecasts = forecastMatches(
      {
        model: artifact.model,
        blend: { kind: artifact.blend.kind as BlendKind, alpha: artifact.blend.alpha },
        calibrator: artifact.calibrator,
        margin: info.margin,
      },
      after,
    )
    const recentRows = comparableRows(forecasts.rows)
    const evaluation = phase(evaluationRows)
    const recent = { ...phase(recentRows), skipped: forecasts.skipped }
    const sequence = [
      ...evaluationRows.map((r) => ({ ...r, phase: 'evaluation' as const })),
      ...recentRows.map((r) => ({ ...r, phase: 'recent' as const })),
    ]
    const window = Math.min(thresholds.window, Math.max(1, sequence.length))
    const quotes = new Map(
      listMatches(deps.db, { league, status: 'played' }).map((m) => [
        matchKey({ date: m.date, home: m.homeTeam, away: m.awayTeam }),
        m.odds,
      ]),
    )
    const verdict = judgeHealth({
      league,
      modelVersion: info.version,
      series: 'calibrated',
      evaluation: evaluation.metrics.calibrated,
      recent: recent.metrics.calibrated,
      thresholds,
    })
    return {
      league,
      state: 'ready',
      message: verdict.message,
      thresholds,
      champion: info,
      evaluation,
      recent,
      rolling: {
        window,
        boundaryDate: recentRows[0]?.date ?? null,
        points: sequence.length > 0 ? rollingRps(sequence, window) : [],
      },
      verdict,
      value: valuePanel([...evaluationRows, ...recentRows], quotes),
      goals: goalsPanelFor(deps.db, league, {
        model: artifact.model,
        trainedTo: info.trainedTo,
        margin: info.margin,
        runMetrics: await runMetrics(info.runId),
      }),
    }
  }

  return {
    async leagues() {
      const out: HealthLeague[] = []
      for (const league of leagueCodes()) {
        const champion = await loadChampion(league).catch(() => null)
        out.push({
          league,
          champion: champion ? { version: champion.info.version, trainedTo: champion.info.trainedTo } : null,
          matchesAfter: champion ? playedAfter(deps.db, league, champion.info.trainedTo).length : 0,
        })
      }
      return out
    },
    report,
    async alerts() {
      const thresholds = readThresholds(deps.settings)
      const alerts: HealthAlert[] = []
      const leagues: LeagueHealthStatus[] = []
      for (const league of leagueCodes()) {
        try {
          const r = await report(league)
          if (r.verdict) alerts.push(...r.verdict.alerts)
          leagues.push({
            league,
            modelVersion: r.champion?.version ?? null,
            state: r.verdict?.state ?? 'no-champion',
            message: r.message,
          })
        } catch (error) {
          leagues.push({
            league,
            modelVersion: null,
            state: 'error',
            message: `${league}: model health could not be computed: ${(error as Error)?.message ?? String(error)}`,
          })
        }
      }
      return { thresholds, alerts, leagues, checkedAt: now().toISOString() }
    },
  }
}
