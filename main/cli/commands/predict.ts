import { predictFixture, type FittedModel } from '../../model/dixonColes'
import { UserError, type Command } from '../framework'
import {
  FIT_OPTIONS,
  findTeam,
  modelFromContext,
  parseFixture,
  percent,
  stringList,
  table,
} from './modelInput'

export interface PredictedFixture {
  home: string
  away: string
  lambda: number
  mu: number
  p_home: number
  p_draw: number
  p_away: number
  /** P(more than 2.5 goals). */
  over_2_5: number
  /** P(both teams score). */
  btts: number
  /** The five most likely scores, most likely first. */
  top_scores: { home_goals: number; away_goals: number; p: number }[]
}

/** `scoreline predict --json`: a stable contract relied on by tooling. */
export interface PredictOutput {
  fixtures: PredictedFixture[]
}

export function predictFixtures(model: FittedModel, fixtures: readonly string[]): PredictOutput {
  return {
    fixtures: fixtures.map((text) => {
      const f = parseFixture(text)
      const home = findTeam(model, f.home).name
      const away = findTeam(model, f.away).name
      if (home === away) throw new UserError(`--fixture "${text}": a team cannot play itself`)
      const p = predictFixture(model, home, away)
      return {
        home,
        away,
        lambda: p.lambda,
        mu: p.mu,
        p_home: p.pHome,
        p_draw: p.pDraw,
        p_away: p.pAway,
        over_2_5: p.overUnder25.over,
        btts: p.btts.yes,
        top_scores: p.topScores.map((s) => ({ home_goals: s.homeGoals, away_goals: s.awayGoals, p: s.p })),
      }
    }),
  }
}

export const predictCommand: Command = {
  name: 'predict',
  summary:
    'Predict fixtures (1X2, goals, both teams to score, likeliest scores) from a saved or freshly fitted model.',
  usage:
    '(--model model.json | <csv...> [--as-of DATE] [--from DATE] [--xi X]) --fixture "Home v Away" ... [--json]',
  options: {
    ...FIT_OPTIONS,
    model: {
      type: 'string',
      description:
        'A model written by `scoreline fit --out`, or (with CSVs) the kind to fit: dixon-coles | poisson',
      valueName: 'file|kind',
    },
    fixture: { type: 'string', multiple: true, description: 'A fixture "Home v Away"', valueName: 'fixture' },
  },
  async run(ctx) {
    const fixtures = stringList(ctx, 'fixture')
    if (fixtures.length === 0) throw new UserError('Give at least one --fixture "Home v Away".')
    fixtures.forEach(parseFixture) // fail on a malformed fixture before fitting anything
    const model = await modelFromContext(ctx)
    ctx.output(predictFixtures(model, fixtures), renderPredict)
    return 0
  },
}

function renderPredict(o: PredictOutput): string {
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
  ])
  return table(
    ['fixture', 'xG home', 'xG away', 'home', 'draw', 'away', 'over 2.5', 'btts', 'likeliest scores'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  )
}
