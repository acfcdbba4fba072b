import type { OddsKind } from './types'

/**
 * Where each known column sits in a file's header. football-data's column set changes across seasons, so
 * everything except the date, the teams and the full-time goals is optional (-1 when absent).
 */
export interface HeaderLayout {
  div: number
  date: number
  time: number
  home: number
  away: number
  homeGoals: number
  awayGoals: number
  result: number
  htHomeGoals: number
  htAwayGoals: number
  htResult: number
  referee: number
  homeShots: number
  awayShots: number
  homeShotsOnTarget: number
  awayShotsOnTarget: number
  odds: OddsColumns[]
  totals: TotalsColumns[]
  asianHandicap: AsianHandicapColumns[]
}

export interface OddsColumns {
  /** Raw prefix as in the header, e.g. 'PSC'. */
  prefix: string
  bookmaker: string
  kind: OddsKind
  home: number
  draw: number
  away: number
}

export interface TotalsColumns {
  prefix: string
  bookmaker: string
  kind: OddsKind
  line: number
  over: number
  under: number
}

export interface AsianHandicapColumns {
  prefix: string
  bookmaker: string
  kind: OddsKind
  /** The handicap line's column (`AHh`, `AHCh`, `BbAHh`). */
  line: number
  home: number
  away: number
}

/** Alternative header spellings, first match wins. */
const ALIASES = {
  div: ['Div'],
  date: ['Date'],
  time: ['Time'],
  home: ['HomeTeam', 'Home', 'HT'],
  away: ['AwayTeam', 'Away', 'AT'],
  homeGoals: ['FTHG', 'HG'],
  awayGoals: ['FTAG', 'AG'],
  result: ['FTR', 'Res'],
  htHomeGoals: ['HTHG'],
  htAwayGoals: ['HTAG'],
  htResult: ['HTR'],
  referee: ['Referee'],
  homeShots: ['HS'],
  awayShots: ['AS'],
  homeShotsOnTarget: ['HST'],
  awayShotsOnTarget: ['AST'],
} as const

type ScalarKey = keyof typeof ALIASES

/** Columns without which a row cannot be a match. */
export const REQUIRED: readonly ScalarKey[] = ['date', 'home', 'away', 'homeGoals', 'awayGoals']

export function describeAliases(key: ScalarKey): string {
  const [first, ...rest] = ALIASES[key]
  return rest.length > 0 ? `${first} (or ${rest.join(', ')})` : first
}

/**
 * Bookmaker prefixes football-data has used. Only needed to tell a closing-odds prefix (`<known>C`, e.g.
 * PSC, B365C, AvgC, VCC) from a prefix that merely ends in C (VC): detection itself is generic.
 */
const KNOWN_PREFIXES = new Set([
  'B365', 'BW', 'IW', 'LB', 'PS', 'P', 'WH', 'SJ', 'VC', 'GB', 'BS', 'SB', 'SY', 'SO', 'Avg', 'Max',
  'BbAv', 'BbMx', 'BF', 'BFD', 'BFE', 'BMGM', 'BV', 'CL', '1XB', 'EX',
]) // prettier-ignore

/** Prefix spellings that mean the same group: Pinnacle's totals columns are `P>2.5`, its 1X2 ones `PSH`. */
const BOOKMAKER_ALIASES: Record<string, string> = { P: 'PS' }

const BOOKMAKER_NAMES: Record<string, string> = {
  B365: 'Bet365',
  BW: 'Bet&Win',
  IW: 'Interwetten',
  LB: 'Ladbrokes',
  PS: 'Pinnacle',
  WH: 'William Hill',
  SJ: 'Stan James',
  VC: 'VC Bet',
  GB: 'Gamebookers',
  BS: 'Blue Square',
  SB: 'Sportingbet',
  SY: 'Stanleybet',
  SO: 'Sporting Odds',
  Avg: 'market average',
  Max: 'market maximum',
  BbAv: 'Betbrain average',
  BbMx: 'Betbrain maximum',
  BFD: 'Betfred',
  BFE: 'Betfair Exchange',
  BMGM: 'BetMGM',
  BV: 'BetVictor',
  CL: 'Coral',
  '1XB': '1xBet',
}

export function bookmakerName(bookmaker: string): string {
  return BOOKMAKER_NAMES[bookmaker] ?? bookmaker
}

/**
 * Splits a raw group prefix into bookmaker and kind: `PSC` → PS closing, `B365C` → B365 closing,
 * `P` → PS pre-match, `VC` → VC pre-match (V is no bookmaker), `VCC` → VC closing.
 * `siblings` are the other prefixes in the same header (a `<X>C` whose `<X>` group exists is closing too).
 */
export function normaliseGroup(
  prefix: string,
  siblings?: ReadonlySet<string>,
): { bookmaker: string; kind: OddsKind } {
  if (prefix.length > 1 && prefix.endsWith('C')) {
    const base = prefix.slice(0, -1)
    if (KNOWN_PREFIXES.has(base) || siblings?.has(base)) {
      return { bookmaker: BOOKMAKER_ALIASES[base] ?? base, kind: 'closing' }
    }
  }
  return { bookmaker: BOOKMAKER_ALIASES[prefix] ?? prefix, kind: 'pre-match' }
}

export function buildHeaderLayout(columns: readonly string[]): HeaderLayout {
  const index = new Map<string, number>()
  columns.forEach((name, i) => {
    if (name !== '' && !index.has(name)) index.set(name, i)
  })
  const find = (key: ScalarKey): number => {
    for (const name of ALIASES[key]) {
      const i = index.get(name)
      if (i !== undefined) return i
    }
    return -1
  }

  // 1X2 groups: any prefix P (non-empty) with PH, PD and PA all present. FTHG/HS/BbAHh and the Asian
  // handicap columns (B365AHH, B365AHA) never complete such a triple.
  const triples: { prefix: string; home: number; draw: number; away: number }[] = []
  columns.forEach((name, i) => {
    if (name.length < 2 || !name.endsWith('H') || index.get(name) !== i) return
    const prefix = name.slice(0, -1)
    if (prefix.includes('>') || prefix.includes('<')) return
    const draw = index.get(prefix + 'D')
    const away = index.get(prefix + 'A')
    if (draw !== undefined && away !== undefined) triples.push({ prefix, home: i, draw, away })
  })
  // Over/under groups: `P>L` with a matching `P<L`.
  const pairs: { prefix: string; line: number; over: number; under: number }[] = []
  columns.forEach((name, i) => {
    const gt = name.indexOf('>')
    if (gt < 1 || index.get(name) !== i) return
    const prefix = name.slice(0, gt)
    const lineText = name.slice(gt + 1)
    const under = index.get(`${prefix}<${lineText}`)
    const line = Number(lineText)
    if (under === undefined || lineText === '' || !Number.isFinite(line)) return
    pairs.push({ prefix, line, over: i, under })
  })
  const siblings = new Set<string>([...triples.map((t) => t.prefix), ...pairs.map((p) => p.prefix)])
  const asianHandicap = asianHandicapGroups(columns, index, siblings)

  return {
    div: find('div'),
    date: find('date'),
    time: find('time'),
    home: find('home'),
    away: find('away'),
    homeGoals: find('homeGoals'),
    awayGoals: find('awayGoals'),
    result: find('result'),
    htHomeGoals: find('htHomeGoals'),
    htAwayGoals: find('htAwayGoals'),
    htResult: find('htResult'),
    referee: find('referee'),
    homeShots: find('homeShots'),
    awayShots: find('awayShots'),
    homeShotsOnTarget: find('homeShotsOnTarget'),
    awayShotsOnTarget: find('awayShotsOnTarget'),
    odds: triples.map((t) => ({ ...t, ...normaliseGroup(t.prefix, siblings) })),
    totals: pairs.map((p) => ({ ...p, ...normaliseGroup(p.prefix, siblings) })),
    asianHandicap,
  }
}

/**
 * Asian-handicap groups: `<P>AHH` with a matching `<P>AHA` (`B365AHH`, `PAHH`, `MaxAHH`, `AvgAHH`, closing
 * `B365CAHH`, `PCAHH`, …; Betbrain era `BbMxAHH`, `BbAvAHH`). The line is the file's one handicap column for
 * the group's kind: `AHCh` for closing groups, `AHh` (or the older `BbAHh`) otherwise; a group without a
 * line column is left out.
 */
function asianHandicapGroups(
  columns: readonly string[],
  index: ReadonlyMap<string, number>,
  siblings: ReadonlySet<string>,
): AsianHandicapColumns[] {
  const preLine = index.get('AHh') ?? index.get('BbAHh') ?? -1
  const closingLine = index.get('AHCh') ?? -1
  const groups: AsianHandicapColumns[] = []
  columns.forEach((name, i) => {
    if (name.length < 4 || !name.endsWith('AHH') || index.get(name) !== i) return
    const prefix = name.slice(0, -3)
    const away = index.get(`${prefix}AHA`)
    if (prefix === '' || away === undefined) return
    const group = normaliseGroup(prefix, siblings)
    const line = group.kind === 'closing' ? closingLine : preLine
    if (line < 0) return
    groups.push({ prefix, ...group, line, home: i, away })
  })
  return groups
}

export function missingRequired(layout: HeaderLayout, allowMissingResult = false): ScalarKey[] {
  return REQUIRED.filter(
    (key) => layout[key] < 0 && !(allowMissingResult && (key === 'homeGoals' || key === 'awayGoals')),
  )
}
