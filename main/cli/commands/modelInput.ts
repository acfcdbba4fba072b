/**
 * Shared plumbing of the model commands (fit, predict, backtest, explain): reading season CSVs, the fit
 * options, model files, fixtures and team names, and small renderers (tables, CSV cells).
 */
import { readFile, stat, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import {
  fitDixonColes,
  toMatchArrays,
  type FitOptions,
  type FittedModel,
  type MatchInput,
  type ModelKind,
  type TeamRating,
} from '../../model/dixonColes'
import { readFootballDataFile, type ParsedFile, type ParsedMatch } from '../../services/data/csv'
import { DEFAULT_MARKET_PREFERENCE, selectMarketOdds, type MarketPreference } from '../../services/data/csv'
import { removeMargin, removeMarginN, type MarginMethod } from '../../model/market'
import type { Triple } from '../../model/metrics'
import { availableVariants, variantById, type VariantId, type VariantMatch } from '../../model/variants'
import { DEFAULT_XI } from '../../model/backtest/walkForward'
import { printable, UserError, type CommandContext } from '../framework'
import { createTeamResolverFrom, memoryTeamDirectory } from '../../services/data/teams'

export const MODEL_KINDS: readonly ModelKind[] = ['dixon-coles', 'poisson']

/** Flags that choose what a model is fitted on (fit, and predict / explain when given CSVs). */
export const FIT_OPTIONS = {
  'as-of': {
    type: 'string',
    description:
      'Fit on matches up to this date (YYYY-MM-DD); time decay counts back from it. Default: the last match',
    valueName: 'date',
  },
  from: { type: 'string', description: 'Leave out matches before this date (YYYY-MM-DD)', valueName: 'date' },
  xi: {
    type: 'string',
    description: `Time decay per day: weight exp(-xi * days before as-of). Default ${DEFAULT_XI} (Dixon & Coles' half-week value), the same as backtest and the centre of the pipeline's ξ grid; 0 = no decay`,
    valueName: 'x',
  },
  model: {
    type: 'string',
    description: 'dixon-coles (default) or poisson (independent Poisson, rho = 0)',
    valueName: 'kind',
  },
} as const

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name]
  return typeof v === 'string' ? v : undefined
}

export function stringList(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

export function parseDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined
  const m = DATE_RE.exec(value)
  const ok =
    m !== null &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      return d.toISOString().slice(0, 10) === value
    })()
  if (!ok) throw new UserError(`--${flag} must be a calendar date YYYY-MM-DD, got "${value}"`)
  return value
}

export function parseNumber(
  value: string | undefined,
  flag: string,
  check: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined
  const x = Number(value)
  const bad =
    value.trim() === '' ||
    !Number.isFinite(x) ||
    (check.integer && !Number.isInteger(x)) ||
    (check.min !== undefined && x < check.min) ||
    (check.max !== undefined && x > check.max)
  if (bad) {
    const range = [
      check.integer ? 'a whole number' : 'a number',
      check.min !== undefined ? `≥ ${check.min}` : '',
      check.max !== undefined ? `≤ ${check.max}` : '',
    ]
      .filter(Boolean)
      .join(' ')
    throw new UserError(`--${flag} must be ${range}, got "${value}"`)
  }
  return x
}

export function parseModelKind(value: string | undefined): ModelKind | undefined {
  if (value === undefined) return undefined
  if (!(MODEL_KINDS as readonly string[]).includes(value)) {
    throw new UserError(`--model must be ${MODEL_KINDS.join(' or ')}, got "${value}"`)
  }
  return value as ModelKind
}

/** FitOptions from --as-of, --from, --xi and --model (the kind, when `modelFlagIsKind`). */
export function fitOptionsFrom(ctx: CommandContext, modelFlagIsKind = true): FitOptions {
  const opts: FitOptions = {}
  const asOf = parseDate(stringOption(ctx, 'as-of'), 'as-of')
  const from = parseDate(stringOption(ctx, 'from'), 'from')
  const xi = parseNumber(stringOption(ctx, 'xi'), 'xi', { min: 0 })
  if (asOf !== undefined) opts.asOf = asOf
  if (from !== undefined) opts.from = from
  opts.xi = xi ?? DEFAULT_XI // one ξ for fit, predict, explain, backtest and the pipeline's grid centre
  if (modelFlagIsKind) {
    const kind = parseModelKind(stringOption(ctx, 'model'))
    if (kind !== undefined) opts.model = kind
  }
  return opts
}

async function assertReadableFile(path: string, what: string): Promise<void> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new UserError(`${what} not found: ${path}`, 'NOT_FOUND')
  }
  if (!info.isFile()) throw new UserError(`${what} is not a file: ${path}`, 'INVALID_INPUT')
}

export interface SeasonData {
  files: ParsedFile[]
  /** Every row of every file, in file order (played matches and fixtures). */
  rows: ParsedMatch[]
}

/**
 * Reads football-data CSVs. A missing file is a user error naming it; a malformed one throws the reader's
 * CsvParseError (`CSV_PARSE`, `file:line: ...`). Tolerated problems go to stderr as warnings.
 */
export async function readSeasonFiles(ctx: CommandContext, paths: string[]): Promise<SeasonData> {
  if (paths.length === 0) throw new UserError('Give at least one football-data CSV file.')
  const twice = paths.find((p, i) => paths.indexOf(p) !== i)
  if (twice !== undefined) throw new UserError(`${twice} is given twice: its matches would count double.`)
  const files: ParsedFile[] = []
  for (const p of paths) {
    await assertReadableFile(p, 'CSV file')
    files.push(await readFootballDataFile(p))
  }
  for (const f of files) {
    for (const w of f.warnings.slice(0, 3)) ctx.stderr.write(`warning: ${w.file}:${w.line}: ${w.message}\n`)
    if (f.warnings.length > 3) ctx.stderr.write(`warning: ${f.file}: ... and ${f.warnings.length - 3} more\n`)
  }
  return { files, rows: files.flatMap((f) => f.rows) }
}

/** The played matches, in the model's input form. */
export function playedMatches(rows: readonly ParsedMatch[]): MatchInput[] {
  const out: MatchInput[] = []
  for (const r of rows) {
    if (r.status !== 'played' || r.homeGoals === null || r.awayGoals === null) continue
    out.push({ date: r.date, home: r.home, away: r.away, homeGoals: r.homeGoals, awayGoals: r.awayGoals })
  }
  return out
}

export function warnAboutModel(ctx: CommandContext, model: FittedModel): void {
  for (const w of model.warnings) ctx.stderr.write(`warning: ${w}\n`)
}

/** Fit from CSV positionals with the fit flags (predict / explain without --model). */
export async function fitFromFiles(ctx: CommandContext, paths: string[]): Promise<FittedModel> {
  const options = fitOptionsFrom(ctx)
  const data = await readSeasonFiles(ctx, paths)
  const model = fitDixonColes(toMatchArrays(playedMatches(data.rows)), options)
  warnAboutModel(ctx, model)
  return model
}

const teamSchema = z.object({
  name: z.string().min(1),
  attack: z.number(),
  defence: z.number(),
  attackSe: z.number().nullable(),
  defenceSe: z.number().nullable(),
  matches: z.number().int().nonnegative(),
})

const fittedModelSchema = z.object({
  model: z.enum(['dixon-coles', 'poisson']),
  asOf: z.string().regex(DATE_RE),
  from: z.string().regex(DATE_RE).nullable(),
  xi: z.number().nonnegative(),
  teams: z.array(teamSchema).min(2),
  homeAdvantage: z.number(),
  homeAdvantageSe: z.number().nullable(),
  rho: z.number(),
  rhoSe: z.number().nullable(),
  logLikelihood: z.number(),
  nMatches: z.number().int().nonnegative(),
  nTeams: z.number().int().nonnegative(),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  gradientNorm: z.number(),
  minTau: z.number(),
  droppedTeams: z.array(z.string()),
  warnings: z.array(z.string()),
  // the prior a fit shrank its teams with few matches toward: what prices a team without a rating (#20)
  shrinkage: z
    .object({
      prior: z.object({
        attack: z.number(),
        defence: z.number(),
        basis: z.string(),
        description: z.string(),
      }),
      teams: z.array(z.object({ name: z.string(), matches: z.number(), weight: z.number() })),
    })
    .optional(),
})

/** The JSON of a model file (a missing file or bad JSON is a user error naming it). */
export async function readModelJson(path: string): Promise<unknown> {
  await assertReadableFile(path, 'Model file')
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`, 'INVALID_INPUT')
  }
}

/** A pipeline version's `model/model.json` as MLflow stores it: the fitted model is its `model` (#21). */
export const MODEL_ARTIFACT_FORMAT = 'scoreline-dixon-coles/1'
export const isModelArtifact = (json: unknown): json is { format: string; model: unknown } =>
  typeof json === 'object' && json !== null && (json as { format?: unknown }).format === MODEL_ARTIFACT_FORMAT

/** Reads a FittedModel written by `scoreline fit --out`, or the `model` of a pipeline version's model.json. */
export async function readModelFile(path: string): Promise<FittedModel> {
  const json = await readModelJson(path)
  const artifact = isModelArtifact(json)
  const parsed = fittedModelSchema.safeParse(artifact ? json.model : json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = [...(artifact ? ['model'] : []), ...issue.path].join('.') || 'root'
    throw new UserError(
      `${path}: not a model written by \`scoreline fit --out\` or a pipeline version's model.json (${field}: ${issue.message})`,
      'INVALID_INPUT',
    )
  }
  return parsed.data as FittedModel
}

/**
 * The model for predict / explain: `--model model.json`, or a fit of the CSV positionals (where `--model`
 * may name the kind, dixon-coles or poisson, as for `fit`).
 */
export async function modelFromContext(ctx: CommandContext): Promise<FittedModel> {
  const modelFlag = stringOption(ctx, 'model')
  const isKind = modelFlag !== undefined && (MODEL_KINDS as readonly string[]).includes(modelFlag)
  if (modelFlag !== undefined && !isKind) {
    if (ctx.positionals.length > 0) {
      throw new UserError('Give either --model model.json or CSV files to fit, not both.')
    }
    for (const flag of ['as-of', 'from', 'xi']) {
      if (ctx.values[flag] !== undefined) {
        throw new UserError(
          `--${flag} applies when fitting CSV files, not to a saved model (--model ${modelFlag}).`,
        )
      }
    }
    return readModelFile(modelFlag)
  }
  if (ctx.positionals.length === 0) {
    throw new UserError('Give a saved model (--model model.json) or football-data CSV files to fit.')
  }
  return fitFromFiles(ctx, ctx.positionals)
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text)
  } catch (error) {
    throw new UserError(`Cannot write ${path}: ${(error as Error).message}`, 'INVALID_INPUT')
  }
}

/** "Home v Away" (also "vs", "vs."); names trimmed. */
export function parseFixture(text: string): { home: string; away: string } {
  const m = /^\s*(.+?)\s+(?:v|vs\.?)\s+(.+?)\s*$/i.exec(text)
  if (!m) throw new UserError(`--fixture must look like "Home v Away", got "${text}"`)
  return { home: m[1], away: m[2] }
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]
}

/** Up to three known names close to `name` (edit distance, or one containing the other). */
export function closeMatches(name: string, known: readonly string[]): string[] {
  const q = name.toLowerCase()
  return known
    .map((k) => {
      const l = k.toLowerCase()
      const d = levenshtein(q, l)
      const contains = l.includes(q) || q.includes(l)
      return {
        k,
        score: contains ? Math.min(d, 1) : d,
        ok: contains || d <= Math.max(2, Math.floor(q.length / 3)),
      }
    })
    .filter((x) => x.ok)
    .sort((a, b) => a.score - b.score || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map((x) => x.k)
}

/**
 * The model's rating for a team: the exact name, the unique case-insensitive match, or a spelling the user
 * taught (`aliases`, from `data alias add`) of one of its teams. Otherwise UNKNOWN_TEAM with "did you
 * mean": first the model's team whose name or alias is the same once normalised ("Man Utd" → "Man
 * United"), then close names by edit distance, then similar spellings by the team resolver's similarity
 * (the jackpot parser's).
 */
export function findTeam(
  model: FittedModel,
  name: string,
  where = '',
  aliases: readonly { alias: string; team: string }[] = [],
): TeamRating {
  const exact = model.teams.find((t) => t.name === name)
  if (exact) return exact
  const folded = model.teams.filter((t) => t.name.toLowerCase() === name.toLowerCase())
  if (folded.length === 1) return folded[0]
  // the model's teams as a one-league directory: names and the aliases that point at them
  const ids = new Map(model.teams.map((t, i) => [t.name, i]))
  const directory = memoryTeamDirectory(
    model.teams.map((t, i) => ({ id: i, name: t.name, country: 'model' })),
    aliases.flatMap((a) =>
      ids.has(a.team) ? [{ teamId: ids.get(a.team)!, league: '', alias: a.alias }] : [],
    ),
    [{ code: 'model', country: 'model' }],
  )
  const resolver = createTeamResolverFrom(directory)
  const found = resolver.lookup(name, 'model')
  if (found?.via === 'alias') return model.teams[found.teamId]
  // the same team once normalised first, then by edit distance, then the resolver's similar spellings
  const close = [
    ...new Set([
      ...(found ? [found.teamName] : []),
      ...closeMatches(
        name,
        model.teams.map((t) => t.name),
      ),
      ...resolver.suggest(name, 'model', { limit: 3, minScore: 0.5 }).map((s) => s.name),
    ]),
  ].slice(0, 3)
  throw new UserError(
    `${where}Unknown team "${printable(name, 80)}": the model (as of ${model.asOf}, ${model.teams.length} teams) has no rating for it.` +
      (close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ' Check the spelling.'),
    'UNKNOWN_TEAM',
  )
}

export { csvCell } from '../../core/csvCell'

/** A plain text table: headers, a rule, rows; columns right-aligned where `align[i]` is 'r'. */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}

export const fixed = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(digits)

export const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Over 2.5 quotes tried in order for a variant's `marketOver25`: Pinnacle closing, Pinnacle, average closing, average. */
const OVER25_PREFERENCE: readonly { bookmaker: string; kind: 'pre-match' | 'closing' }[] = [
  { bookmaker: 'PS', kind: 'closing' },
  { bookmaker: 'PS', kind: 'pre-match' },
  { bookmaker: 'Avg', kind: 'closing' },
  { bookmaker: 'Avg', kind: 'pre-match' },
  { bookmaker: 'BbAv', kind: 'pre-match' },
  { bookmaker: 'B365', kind: 'closing' },
  { bookmaker: 'B365', kind: 'pre-match' },
]

/**
 * What a goal-model variant may train on from one football-data row (see `VariantMatch`): shots and shots on
 * target from `HS/AS/HST/AST`; the margin-free 1X2 of Pinnacle closing when quoted, else of the first market
 * in `preference`; the margin-free probability of over 2.5 goals from the first totals quote in
 * {@link OVER25_PREFERENCE}. Margins removed by `margin`. Known at kick-off, so a variant only ever sees them
 * for matches before the date it forecasts.
 */
export function variantExtras(
  r: ParsedMatch,
  margin: MarginMethod,
  preference: readonly MarketPreference[] = DEFAULT_MARKET_PREFERENCE,
): Pick<
  VariantMatch,
  'homeShots' | 'awayShots' | 'homeShotsOnTarget' | 'awayShotsOnTarget' | 'market' | 'marketOver25'
> {
  const o = selectMarketOdds(r, ['PSC', ...preference])
  let market: Triple | null = null
  if (o) {
    try {
      market = removeMargin([o.home, o.draw, o.away], margin).probabilities
    } catch {
      market = null
    }
  }
  let marketOver25: number | null = null
  for (const p of OVER25_PREFERENCE) {
    const q = r.totals.find((t) => t.line === 2.5 && t.bookmaker === p.bookmaker && t.kind === p.kind)
    if (!q) continue
    try {
      marketOver25 = removeMarginN([q.over, q.under], margin).probabilities[0]
    } catch {
      marketOver25 = null
    }
    break
  }
  return {
    homeShots: r.stats.homeShots,
    awayShots: r.stats.awayShots,
    homeShotsOnTarget: r.stats.homeShotsOnTarget,
    awayShotsOnTarget: r.stats.awayShotsOnTarget,
    market,
    marketOver25,
  }
}

/** `--model` for backtest / pipeline / compare: a registered variant id (or 'auto' when allowed). */
export function parseVariant(
  value: string | undefined,
  allowAuto: boolean,
  flag = 'model',
): VariantId | 'auto' | undefined {
  if (value === undefined) return undefined
  if (allowAuto && value === 'auto') return 'auto'
  if (!variantById(value)) {
    throw new UserError(
      `--${flag} must be ${allowAuto ? '"auto" or ' : ''}one of ${availableVariants().join(', ')}, got "${value}"`,
    )
  }
  return value as VariantId
}

/** `--models a,b,c` or `all` (every registered variant). */
export function parseVariantList(value: string | undefined): VariantId[] {
  if (value === undefined || value.trim() === 'all') return availableVariants()
  const list = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
  if (list.length === 0) throw new UserError(`--models must be variant ids separated by commas, or all`)
  return list.map((id) => parseVariant(id, false, 'models') as VariantId)
}
