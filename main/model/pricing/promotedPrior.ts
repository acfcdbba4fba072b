/**
 * The rating a team without one is priced from (a promoted side not yet in the champion's window): the mean
 * attack and defence of the fitted teams with a partial spell in the window — those that came up (or went
 * down) inside it and so played at most 60 % of the matches of the league's regulars — and, when every team
 * played throughout, the mean of the league's bottom three by attack − defence. Pure: the fitted model only.
 */
import type { FittedModel } from '../dixonColes/types'

export const PARTIAL_SPELL_SHARE = 0.6

export interface PromotedPrior {
  attack: number
  defence: number
  basis: 'partial-spell' | 'bottom-three'
  /** The teams averaged. */
  teams: string[]
  /** "the mean of the 4 teams with a partial spell in the window (Luton, Burnley, …)". */
  description: string
}

export function promotedTeamPrior(model: Pick<FittedModel, 'teams'>): PromotedPrior | null {
  if (model.teams.length === 0) return null
  const most = Math.max(...model.teams.map((t) => t.matches))
  const partial = model.teams.filter((t) => t.matches <= PARTIAL_SPELL_SHARE * most)
  const basis = partial.length > 0 ? 'partial-spell' : 'bottom-three'
  const teams =
    partial.length > 0
      ? partial
      : [...model.teams]
          .sort((a, b) => a.attack - a.defence - (b.attack - b.defence) || a.name.localeCompare(b.name))
          .slice(0, 3)
  const mean = (k: 'attack' | 'defence') => teams.reduce((s, t) => s + t[k], 0) / teams.length
  const names = teams.map((t) => t.name)
  const list = names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ')
  return {
    attack: mean('attack'),
    defence: mean('defence'),
    basis,
    teams: names,
    description:
      basis === 'partial-spell'
        ? `the mean rating of the ${names.length} team${names.length === 1 ? '' : 's'} promoted or relegated inside the model's window (${list})`
        : `the mean rating of the league's bottom three (${list})`,
  }
}
