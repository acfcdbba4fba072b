/** football-data.co.uk division codes: name, country and tier, used when a league is first seen. */
export interface LeagueInfo {
  name: string
  country: string
  tier: number
}

export const LEAGUE_CATALOG: Record<string, LeagueInfo> = {
  E0: { name: 'Premier League', country: 'England', tier: 1 },
  E1: { name: 'Championship', country: 'England', tier: 2 },
  E2: { name: 'League One', country: 'England', tier: 3 },
  E3: { name: 'League Two', country: 'England', tier: 4 },
  EC: { name: 'National League', country: 'England', tier: 5 },
  SC0: { name: 'Scottish Premiership', country: 'Scotland', tier: 1 },
  SC1: { name: 'Scottish Championship', country: 'Scotland', tier: 2 },
  SC2: { name: 'Scottish League One', country: 'Scotland', tier: 3 },
  SC3: { name: 'Scottish League Two', country: 'Scotland', tier: 4 },
  D1: { name: 'Bundesliga', country: 'Germany', tier: 1 },
  D2: { name: '2. Bundesliga', country: 'Germany', tier: 2 },
  SP1: { name: 'La Liga', country: 'Spain', tier: 1 },
  SP2: { name: 'Segunda División', country: 'Spain', tier: 2 },
  I1: { name: 'Serie A', country: 'Italy', tier: 1 },
  I2: { name: 'Serie B', country: 'Italy', tier: 2 },
  F1: { name: 'Ligue 1', country: 'France', tier: 1 },
  F2: { name: 'Ligue 2', country: 'France', tier: 2 },
  N1: { name: 'Eredivisie', country: 'Netherlands', tier: 1 },
  B1: { name: 'Jupiler Pro League', country: 'Belgium', tier: 1 },
  P1: { name: 'Primeira Liga', country: 'Portugal', tier: 1 },
  T1: { name: 'Süper Lig', country: 'Turkey', tier: 1 },
  G1: { name: 'Super League Greece', country: 'Greece', tier: 1 },
}

export function leagueInfo(code: string): LeagueInfo {
  return LEAGUE_CATALOG[code] ?? { name: code, country: '', tier: 0 }
}
