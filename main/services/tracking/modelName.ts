/**
 * The one rule for registered model names (#21): one registered model per league or league group,
 * `scoreline-E0`, `scoreline-E0+E1`, whatever goal-model variant a version is (the variant is the
 * version tag `scoreline.model_variant`). Names from before the rule claimed Dixon-Coles for every
 * version (`scoreline-dc-E0`); `legacyLeaguesOf` reads them for the migration (modelNameMigration.ts).
 */

const PREFIX = 'scoreline-'
const LEGACY_PREFIX = 'scoreline-dc-'
/** A league code the parser reads back: letters, digits, `_`, `.` (simulated leagues add a suffix). */
const LEAGUE = /^[A-Za-z0-9_.]+$/

/** Registered model name for a league or league group: `scoreline-E0`, `scoreline-E0+E1` (sorted). */
export function registeredModelName(leagues: string | readonly string[]): string {
  const list = typeof leagues === 'string' ? [leagues] : [...leagues].sort()
  // any stored league code names a model (MLflow allows it); only an empty one, or a '+' that would
  // read back as a group, cannot
  if (list.length === 0 || list.some((l) => l.trim() === '' || l.includes('+')))
    throw new Error(`registeredModelName: "${list.join('+')}" is not a league code or league group`)
  return `${PREFIX}${list.join('+')}`
}

/** The registered model's description: what it holds, and where each version's variant is. */
export function registeredModelDescription(leagues: string | readonly string[]): string {
  const name = registeredModelName(leagues)
  return `Scoreline goal model + market blend for ${name.slice(PREFIX.length)}: one registered model per league; each version's goal-model variant is its scoreline.model_variant tag.`
}

/** The league(s) of a name the rule made (`scoreline-E0+E1` → ['E0', 'E1']); null for any other name. */
export function leaguesOfModelName(name: string): string[] | null {
  if (!name.startsWith(PREFIX) || name.startsWith(LEGACY_PREFIX)) return null
  return leaguesIn(name.slice(PREFIX.length))
}

/** The single league of a model name (`scoreline-E0` → 'E0'); null for a group or another name. */
export function leagueOfModelName(name: string): string | null {
  const leagues = leaguesOfModelName(name)
  return leagues?.length === 1 ? leagues[0] : null
}

/** The league(s) of a name from before the rule (`scoreline-dc-E0` → ['E0']); null otherwise. */
export function legacyLeaguesOf(name: string): string[] | null {
  return name.startsWith(LEGACY_PREFIX) ? leaguesIn(name.slice(LEGACY_PREFIX.length)) : null
}

function leaguesIn(rest: string): string[] | null {
  const leagues = rest.split('+')
  return leagues.every((l) => LEAGUE.test(l)) ? leagues : null
}
