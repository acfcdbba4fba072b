/**
 * What `predict` and `explain` price with: the league's champion (through the app's dispatch, the same
 * `fixtures.priceNamed` the screens use) when `--league` is given without a model file or CSVs; otherwise
 * a saved model or a fit of the CSVs made now, priced through the same `priceFixture` rule. Either way the
 * output says what it used.
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { ModelUsed, PricedFixture } from '../../../shared/pricing'
import type { FittedModel, TeamRating } from '../../model/dixonColes'
import { readDataDirSetting } from '../../core/dataDirSetting'
import { dataPaths, defaultDataDir } from '../../core/paths'
import { listTeamAliases } from '../../services/data/teams/teamAliases'
import type { BlendKind } from '../../model/blend'
import type { MarginMethod } from '../../model/market'
import type { LeagueModel } from '../../services/jackpots/leagueModel'
import { modelUsedOf } from '../../services/pricing/modelUsed'
import { priceFixture } from '../../services/pricing/priceFixture'
import { UserError, type CommandContext } from '../framework'
import { findTeam, MODEL_KINDS, modelFromContext, stringOption } from './modelInput'

export const LEAGUE_OPTION = {
  league: {
    type: 'string',
    description:
      "Price with this league's champion (E0, SP1, ...) when no model file or CSV is given: the served forecast the app gives (model, market, blend, calibrator)",
    valueName: 'L',
  },
} as const

/** The league flag, checked. */
export function leagueOption(ctx: CommandContext): string | undefined {
  const league = stringOption(ctx, 'league')
  if (league !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(league))
    throw new UserError(`--league: "${league}" is not a league code like E0 or SP1`)
  return league
}

/** True when the champion prices: `--league` with neither a model file nor CSVs. */
export function usesChampion(ctx: CommandContext): boolean {
  const modelFlag = stringOption(ctx, 'model')
  const modelFile = modelFlag !== undefined && !(MODEL_KINDS as readonly string[]).includes(modelFlag)
  return leagueOption(ctx) !== undefined && !modelFile && ctx.positionals.length === 0
}

/** Flags that only mean something for a fit made now, refused beside the champion (it has its own). */
export function refuseFitFlags(ctx: CommandContext, flags: readonly string[]): void {
  for (const flag of flags) {
    if (ctx.values[flag] !== undefined)
      throw new UserError(
        `--${flag} applies to a model fitted from CSVs or read from a file; the champion (--league) prices with its own settings. Drop --${flag}, or give CSVs or --model model.json.`,
      )
  }
}

export interface NamedFixture {
  league: string
  home: string
  away: string
  odds?: { home: number; draw: number; away: number } | null
}

/** The champion's prices for these fixtures, through the app's dispatch (the one rule every screen uses). */
export async function priceWithChampion(
  ctx: CommandContext,
  fixtures: readonly NamedFixture[],
): Promise<{ fixtures: PricedFixture[]; models: ModelUsed[] }> {
  // loaded here, not at the top: a model file or a CSV fit never opens the app's services
  const { call, openScoreline } = await import('../context')
  const scoreline = openScoreline(ctx)
  try {
    return await call(scoreline, 'fixtures.priceNamed', {
      fixtures: fixtures.map((f) => ({
        league: f.league,
        home: f.home,
        away: f.away,
        ...(f.odds ? { odds: f.odds } : {}),
      })),
    })
  } finally {
    await scoreline.close()
  }
}

/** A model fitted now (or read from a file) as a LeagueModel, so it is priced by the same rule. */
export function fittedLeagueModel(
  model: FittedModel,
  what: { league: string; file?: string },
  market: { margin: MarginMethod; blend: BlendKind; alpha: number } = {
    margin: 'shin',
    blend: 'log',
    alpha: 1,
  },
): LeagueModel {
  const fitted = `fitted now on ${model.nMatches} matches, ξ ${model.xi}, data as of ${model.asOf}`
  return {
    league: what.league,
    model,
    blend: { kind: market.blend, alpha: market.alpha },
    alphaFitted: true,
    calibrator: null,
    margin: market.margin,
    evaluation: null,
    source: {
      kind: 'fitted-on-the-fly',
      reason: what.file ? `the model file ${what.file} was given` : 'CSV files were given',
      description: what.file
        ? `model file ${what.file} (${model.nMatches} matches, ξ ${model.xi}, as of ${model.asOf})`
        : fitted,
      fittedAt: new Date(0).toISOString(),
      matches: model.nMatches,
    },
  }
}

/** What a fit or a file priced with, said the way the champion's source is said. */
export function fittedModelUsed(m: LeagueModel, file?: string): ModelUsed {
  const used = modelUsedOf(m)
  const f = m.model
  return {
    ...used,
    summary: file
      ? `model file ${file}: fitted on ${f.nMatches} matches, ξ ${f.xi}, data as of ${f.asOf}`
      : used.summary,
  }
}

/** Prices one fixture with a fitted model (no market unless odds are entered). */
export function priceWithFit(
  m: LeagueModel,
  fixture: { home: string; away: string; odds?: { home: number; draw: number; away: number } | null },
): PricedFixture {
  return priceFixture(m, {
    league: m.league,
    home: fixture.home,
    away: fixture.away,
    date: null,
    snapshots: [],
    enteredOdds: fixture.odds ?? null,
  })
}

/** The saved model (`--model model.json`) or a fit of the CSVs, with the file's name when it was one. */
export async function fittedFromContext(ctx: CommandContext): Promise<{ model: FittedModel; file?: string }> {
  const modelFlag = stringOption(ctx, 'model')
  if (ctx.positionals.length === 0 && modelFlag === undefined)
    throw new UserError(
      "Give --league E0 (the league's champion), a saved model (--model model.json) or football-data CSV files to fit.",
    )
  const model = await modelFromContext(ctx)
  return ctx.positionals.length === 0 && modelFlag ? { model, file: path.basename(modelFlag) } : { model }
}

/** A spelling of one of a model's teams: `alias` means the model's team `team`. */
export interface ModelAlias {
  alias: string
  team: string
}

/** The data folder the command would open (--home, SCORELINE_HOME, the stored choice, the default). */
function dataFolderOf(ctx: CommandContext): string {
  const home = stringOption(ctx, 'home') ?? (ctx.env.SCORELINE_HOME?.trim() || undefined)
  if (home) return home
  const platform = defaultDataDir(ctx.env)
  return readDataDirSetting(platform) ?? platform
}

/**
 * The data folder's team aliases (`data alias add`, and the spellings imports recorded) as spellings of a
 * saved or fitted model's teams, for `findTeam`: every known spelling of a store team points at whichever
 * of them the model rates (a CSV fit rates the file's spelling, the store its canonical name). Read lazily
 * (only when a name is not the model's own) and read-only; no data folder means no aliases.
 */
export function modelAliases(ctx: CommandContext, model: FittedModel, league?: string): () => ModelAlias[] {
  let cached: ModelAlias[] | undefined
  return () => {
    if (cached) return cached
    cached = []
    const file = dataPaths(path.resolve(dataFolderOf(ctx))).appDb
    if (!existsSync(file)) return cached
    let db: Database.Database | undefined
    try {
      db = new Database(file, { readonly: true, fileMustExist: true })
      const rows = listTeamAliases(db, league && league !== 'CSV' ? { league } : {})
      const rated = new Set(model.teams.map((t) => t.name))
      const spellings = new Map<number, Set<string>>()
      for (const r of rows) {
        const set = spellings.get(r.teamId) ?? new Set([r.teamName])
        set.add(r.alias)
        spellings.set(r.teamId, set)
      }
      for (const names of spellings.values()) {
        const team = [...names].find((n) => rated.has(n))
        if (team === undefined) continue
        for (const alias of names) if (alias !== team) cached.push({ alias, team })
      }
    } catch {
      // an unreadable or older data folder: the model's own names only
    } finally {
      db?.close()
    }
    return cached
  }
}

/** `findTeam`, then (for a name the model does not know) again through the data folder's aliases. */
export function findModelTeam(
  model: FittedModel,
  name: string,
  where = '',
  aliases?: () => readonly ModelAlias[],
): TeamRating {
  try {
    return findTeam(model, name, where)
  } catch (error) {
    const list = aliases?.() ?? []
    if (list.length === 0 || (error as { code?: string }).code !== 'UNKNOWN_TEAM') throw error
    return findTeam(model, name, where, list)
  }
}
