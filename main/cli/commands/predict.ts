import type { ModelUsed, PricedFixture } from '../../../shared/pricing'
import type { FittedModel } from '../../model/dixonColes'
import { UserError, type Command, type CommandContext } from '../framework'
import { FIT_OPTIONS, parseFixture, percent, stringList, stringOption, table } from './modelInput'
import { modelFileLeagueModel, modelFileStages, type ModelFileStages } from './modelFile'
import {
  fittedFromContext,
  fittedLeagueModel,
  fittedModelUsed,
  findModelTeam,
  LEAGUE_OPTION,
  leagueOption,
  modelAliases,
  type ModelAlias,
  priceWithChampion,
  priceWithFit,
  usesChampion,
} from './servedInput'
import { renderModels } from './fixturesRender'

type Probs = { home: number; draw: number; away: number }
const probs = (p: readonly number[]): Probs => ({ home: p[0], draw: p[1], away: p[2] })

export interface PredictedFixture {
  league: string
  home: string
  away: string
  lambda: number
  mu: number
  /** The served probabilities: what the app gives for the fixture (see `stage`). */
  p_home: number
  p_draw: number
  p_away: number
  /** P(more than 2.5 goals). */
  over_2_5: number
  /** P(both teams score). */
  btts: number
  /** The five most likely scores, most likely first. */
  top_scores: { home_goals: number; away_goals: number; p: number }[]
  /** Which stage served p_home/p_draw/p_away: model, market, blend or calibrated. */
  stage: string
  /** The goal model's own 1X2 (equal to the served one when the model is served). */
  model: Probs
  /** The market the served forecast used: bookmaker, margin method, snapshot time; null without odds. */
  market: {
    bookmaker: string
    margin_method: string
    observed_at: string | null
    odds: number[]
    probabilities: Probs
  } | null
  /** Warnings that travel with the numbers (stale data, few matches, promoted-team prior, no market). */
  warnings: { code: string; message: string }[]
}

/** `scoreline predict --json`: a stable contract relied on by tooling. */
export interface PredictOutput {
  fixtures: PredictedFixture[]
  /** What priced the fixtures: the champion (version, run, data as-of, ξ, matches) or the fit made now. */
  models: ModelUsed[]
}

export function toPredicted(f: PricedFixture): PredictedFixture {
  if (!f.model || !f.served)
    throw new UserError(
      `${f.home} v ${f.away}: no model price — ${f.warnings.map((w) => w.message).join('; ') || 'no rating'}`,
      'MODEL_NO_DATA',
    )
  const [h, d, a] = f.served.probabilities
  return {
    league: f.league,
    home: f.home,
    away: f.away,
    lambda: f.model.lambda,
    mu: f.model.mu,
    p_home: h,
    p_draw: d,
    p_away: a,
    over_2_5: f.model.over25,
    btts: f.model.btts,
    top_scores: f.model.topScores.map((s) => ({ home_goals: s.home, away_goals: s.away, p: s.probability })),
    stage: f.served.stage,
    model: probs(f.model.probabilities),
    market: f.market
      ? {
          bookmaker: f.market.bookmaker,
          margin_method: f.market.marginMethod,
          observed_at: f.market.observedAt,
          odds: [...f.market.prices],
          probabilities: probs(f.market.probabilities),
        }
      : null,
    warnings: f.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
}

type Odds = { home: number; draw: number; away: number }

/**
 * `--fixture "Home v Away"`, optionally with the 1X2 decimal odds after an @: `"Home v Away @ 2.10 3.40 3.60"`
 * (the market the served forecast uses, margin removed by the model's method).
 */
export function parseFixtureWithOdds(text: string): { home: string; away: string; odds: Odds | null } {
  const at = text.lastIndexOf('@')
  if (at < 0) return { ...parseFixture(text), odds: null }
  const prices = text
    .slice(at + 1)
    .trim()
    .split(/\s+/)
    .map(Number)
  if (prices.length !== 3 || !prices.every((p) => Number.isFinite(p) && p > 1))
    throw new UserError(
      `--fixture "${text}": after @ give three decimal odds above 1 (home draw away), e.g. "Home v Away @ 2.10 3.40 3.60"`,
    )
  return { ...parseFixture(text.slice(0, at)), odds: { home: prices[0], draw: prices[1], away: prices[2] } }
}

/**
 * Every fixture priced with a saved or fitted model, through the one served-forecast rule: a pipeline version's
 * model.json (`stages`) with its own α, calibrator and margin method, as the champion; otherwise the model.
 */
export function predictFixtures(
  model: FittedModel,
  fixtures: readonly string[],
  what: {
    league?: string
    file?: string
    aliases?: () => readonly ModelAlias[]
    stages?: ModelFileStages | null
  } = {},
): PredictOutput {
  const league =
    what.stages && what.file
      ? modelFileLeagueModel(model, what.file, what.stages, what.league ?? what.stages.league)
      : fittedLeagueModel(model, { league: what.league ?? 'CSV', file: what.file })
  return {
    fixtures: fixtures.map((text) => {
      const f = parseFixtureWithOdds(text)
      const home = findModelTeam(model, f.home, '', what.aliases).name
      const away = findModelTeam(model, f.away, '', what.aliases).name
      if (home === away) throw new UserError(`--fixture "${text}": a team cannot play itself`)
      return toPredicted(priceWithFit(league, { home, away, odds: f.odds }))
    }),
    models: [fittedModelUsed(league, what.file)],
  }
}

/** The league's champion prices the fixtures (the app's dispatch, as `fixtures price` and the screens). */
export async function predictWithChampion(
  ctx: CommandContext,
  league: string,
  fixtures: readonly string[],
): Promise<PredictOutput> {
  const priced = await priceWithChampion(
    ctx,
    fixtures.map((text) => ({ league, ...parseFixtureWithOdds(text) })),
  )
  return { fixtures: priced.fixtures.map(toPredicted), models: priced.models }
}

export const predictCommand: Command = {
  name: 'predict',
  summary:
    'Predict fixtures (1X2, goals, both teams to score, likeliest scores) from a saved or freshly fitted model.',
  usage:
    '(--league E0 | --model model.json | <csv...> [--as-of DATE] [--from DATE] [--xi X]) --fixture "Home v Away [@ H D A]" ... [--json]',
  options: {
    ...FIT_OPTIONS,
    ...LEAGUE_OPTION,
    model: {
      type: 'string',
      description:
        "A model written by `scoreline fit --out` or a pipeline version's model.json as MLflow stores it (priced with its α, calibrator and margin method, as the champion), or (with CSVs) the kind to fit: dixon-coles | poisson",
      valueName: 'file|kind',
    },
    fixture: {
      type: 'string',
      multiple: true,
      description:
        'A fixture "Home v Away", optionally with its 1X2 decimal odds: "Home v Away @ 2.10 3.40 3.60"',
      valueName: 'fixture',
    },
  },
  async run(ctx) {
    const fixtures = stringList(ctx, 'fixture')
    if (fixtures.length === 0) throw new UserError('Give at least one --fixture "Home v Away".')
    fixtures.forEach(parseFixtureWithOdds) // fail on a malformed fixture before fitting anything
    const league = leagueOption(ctx)
    if (usesChampion(ctx)) {
      for (const flag of ['as-of', 'from', 'xi'])
        if (ctx.values[flag] !== undefined)
          throw new UserError(
            `--${flag} applies when fitting CSV files; the champion (--league ${league}) was fitted by the pipeline.`,
          )
      ctx.output(await predictWithChampion(ctx, league!, fixtures), renderPredict)
      return 0
    }
    const { model, file } = await fittedFromContext(ctx)
    const stages = file ? await modelFileStages(stringOption(ctx, 'model')!) : null
    const aliases = modelAliases(ctx, model, league)
    ctx.output(predictFixtures(model, fixtures, { league, file, aliases, stages }), renderPredict)
    return 0
  },
}

const triple = (p: Probs) => [p.home, p.draw, p.away].map((x) => (100 * x).toFixed(1)).join(' ')

export function renderPredict(o: PredictOutput): string {
  const rows = o.fixtures.map((f) => [
    `${f.home} v ${f.away}`,
    f.lambda.toFixed(2),
    f.mu.toFixed(2),
    percent(f.p_home),
    percent(f.p_draw),
    percent(f.p_away),
    percent(f.over_2_5),
    percent(f.btts),
    f.top_scores
      .slice(0, 3)
      .map((s) => `${s.home_goals}-${s.away_goals} ${percent(s.p, 0)}`)
      .join(', '),
    f.stage,
    f.stage === 'model' ? '' : triple(f.model),
    f.market
      ? `${f.market.bookmaker}, ${f.market.margin_method}${f.market.observed_at ? `, ${f.market.observed_at.slice(0, 16).replace('T', ' ')} UTC` : ''}`
      : 'no market',
  ])
  const warnings = o.fixtures.flatMap((f) =>
    f.warnings.filter((w) => w.code !== 'no-market').map((w) => `  ${f.home} v ${f.away}: ${w.message}\n`),
  )
  return (
    renderModels(o.models) +
    table(
      [
        'fixture',
        'model λ',
        'model μ',
        'served H',
        'served D',
        'served A',
        'model over 2.5',
        'model btts',
        'model likeliest scores',
        'served by',
        'model % H D A',
        'market',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'r', 'l'],
    ) +
    (warnings.length ? 'warnings:\n' + warnings.join('') : '')
  )
}
