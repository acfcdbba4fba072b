/**
 * A three-match football-data.co.uk style season file with invented teams, scores, shots and prices
 * (nothing copied from a real season), for importer and sync tests that must run without ../shared.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const SMALL_SEASON_HEADER =
  'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HS,AS,HST,AST,B365H,B365D,B365A,PSCH,PSCD,PSCA'

export const SMALL_SEASON_CSV = [
  SMALL_SEASON_HEADER,
  "E0,10/08/2030,Harbourside,Kingsbr'k Rovers,2,1,H,2,0,H,15,7,6,2,1.35,5.6,9.8,1.31,6.1,11.4",
  'E0,10/08/2030,Millbrook,Eastbury,1,1,D,0,0,D,11,13,4,5,2.5,3.3,2.85,2.44,3.4,3.0',
  'E0,11/08/2030,Northgate,Westfield,2,2,D,1,1,D,12,17,6,6,3.2,3.6,2.1,3.05,3.7,2.25',
  '',
].join('\n')

/** Writes {@link SMALL_SEASON_CSV} as `E0_small.csv` in a fresh temporary folder; returns its path. */
export function writeSmallSeasonCsv(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scoreline-small-season-')), 'E0_small.csv')
  writeFileSync(file, SMALL_SEASON_CSV)
  return file
}
