/**
 * Text analysts paste or type, under random and hostile input (fast-check, seeded):
 * - the jackpot fixture parser (parseFixtureText) returns fixtures and line-numbered problems for
 *   anything — never throws, never takes long (no regex blow-up on long runs of spaces or
 *   separators), and reads back exactly the fixtures it is given;
 * - team-name resolution (normalizeTeamName, teamNameSimilarity, the resolver over an in-memory
 *   directory) answers a team or the typed UNKNOWN_TEAM error with valid suggestions (the SQLite
 *   directory is fuzzed end to end through jackpots.parseText in contract.property.test.ts).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseFixtureText } from '../../main/services/jackpots/parseFixtureText'
import {
  createTeamResolverFrom,
  memoryTeamDirectory,
  normalizeTeamName,
  teamNameSimilarity,
} from '../../main/services/data/teams'
import { isDataError } from '../../main/services/data/errors'

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom(
        ' v ',
        ' vs ',
        ' vs. ',
        ' versus ',
        ' - ',
        ' – ',
        '\n',
        '\r\n',
        '\r',
        '1. ',
        '2) ',
        '#',
        ' ',
        '\u00a0',
        '1.5',
        '2,10',
        '0',
        '-3',
        'Arsenal',
        'Man Utd',
        '=cmd|',
        '\t',
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join('')),
)

describe('jackpot text parser (property)', () => {
  it('returns fixtures and problems for any text, each on a real line, never throwing', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const lineCount = text.split(/\r\n|\r|\n/).length
        const { fixtures, problems } = parseFixtureText(text)
        for (const f of fixtures) {
          expect(f.line).toBeGreaterThanOrEqual(1)
          expect(f.line).toBeLessThanOrEqual(lineCount)
          expect(f.home).toBe(f.home.trim())
          expect(f.away).toBe(f.away.trim())
          expect(f.home.length).toBeGreaterThan(0)
          expect(f.away.length).toBeGreaterThan(0)
          expect(f.home.toLowerCase()).not.toBe(f.away.toLowerCase())
          if (f.odds) for (const o of Object.values(f.odds)) expect(Number.isFinite(o) && o > 1).toBe(true)
        }
        for (const p of problems) {
          expect(p.line).toBeGreaterThanOrEqual(1)
          expect(p.message.length).toBeGreaterThan(0)
        }
        // one outcome per non-blank line at most
        expect(new Set(fixtures.map((f) => f.line)).size).toBe(fixtures.length)
      }),
      { numRuns: 600, seed: 1131 },
    )
  })

  it('reads back exactly the fixtures (and odds) it is given', () => {
    const name = fc
      .stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9.&'()]{0,10}( [A-Za-zÀ-ÿ0-9.&'()]{1,10}){0,2}$/)
      .filter(
        (s) =>
          !/^(v|vs\.?|versus)$/i.test(s) &&
          !/ (v|vs\.?|versus)( |$)/i.test(s) &&
          !/^\d+(\.\d+)?$/.test(s.split(' ').at(-1)!),
      )
    const odd = fc.integer({ min: 101, max: 5000 }).map((n) => n / 100)
    const fixture = fc.record({
      home: name,
      away: name,
      sep: fc.constantFrom(' v ', ' vs ', ' - ', ' versus '),
      odds: fc.option(fc.tuple(odd, odd, odd)),
    })
    fc.assert(
      fc.property(
        fc
          .array(fixture, { minLength: 1, maxLength: 20 })
          .filter((fs) => fs.every((f) => f.home.toLowerCase() !== f.away.toLowerCase())),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (fixtures, eol, numbered) => {
          const text = fixtures
            .map(
              (f, i) =>
                `${numbered ? `${i + 1}. ` : ''}${f.home}${f.sep}${f.away}${f.odds ? ' ' + f.odds.join(' ') : ''}`,
            )
            .join(eol)
          const parsed = parseFixtureText(text)
          expect(parsed.problems).toEqual([])
          expect(parsed.fixtures).toEqual(
            fixtures.map((f, i) => ({
              line: i + 1,
              home: f.home,
              away: f.away,
              odds: f.odds ? { home: f.odds[0], draw: f.odds[1], away: f.odds[2] } : null,
            })),
          )
        },
      ),
      { numRuns: 300, seed: 1132 },
    )
  })

  it('answers quickly on the largest accepted input built from separators and spaces (no regex blow-up)', () => {
    const pathological = [
      'a' + ' '.repeat(19_990) + 'b',
      ' v'.repeat(9_999),
      ' -'.repeat(9_999),
      ('x' + ' '.repeat(97) + 'v\n').repeat(199),
      '1.1 '.repeat(4_999),
      '\u00a0'.repeat(20_000),
    ]
    for (const text of pathological) {
      const started = performance.now()
      parseFixtureText(text)
      expect(performance.now() - started, JSON.stringify(text.slice(0, 20))).toBeLessThan(1000)
    }
  })
})

describe('team-name resolution (property)', () => {
  it('normalises any string without throwing, idempotently, to lower-case ASCII words', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.string({ unit: 'grapheme', maxLength: 60 }),
        ),
        (s) => {
          const n = normalizeTeamName(s)
          expect(n).toMatch(/^([a-z0-9]+( [a-z0-9]+)*)?$/)
          expect(normalizeTeamName(n)).toBe(n)
        },
      ),
      { numRuns: 500, seed: 1133 },
    )
  })

  it('similarity is a number in [0, 1], symmetric-free of NaN, 1 for identical names', () => {
    const norm = fc.string({ maxLength: 30 }).map(normalizeTeamName)
    fc.assert(
      fc.property(norm, norm, (a, b) => {
        const s = teamNameSimilarity(a, b)
        expect(Number.isNaN(s)).toBe(false)
        expect(s).toBeGreaterThanOrEqual(0)
        expect(s).toBeLessThanOrEqual(1)
        expect(teamNameSimilarity(a, a)).toBe(1)
      }),
      { numRuns: 500, seed: 1134 },
    )
  })

  const teamNames = fc.uniqueArray(
    fc.stringMatching(/^[A-Z][a-z]{2,9}( (United|City|Rovers|FC|Utd|Athletic|[A-Z][a-z]{2,7}))?$/),
    { minLength: 2, maxLength: 12, selector: normalizeTeamName },
  )

  it('resolves every known name and alias to its team, and anything else to a team or UNKNOWN_TEAM with valid suggestions', () => {
    fc.assert(
      fc.property(
        teamNames,
        fc.array(fc.oneof(fc.string({ maxLength: 25 }), fc.string({ unit: 'binary', maxLength: 25 })), {
          maxLength: 10,
        }),
        (names, probes) => {
          const teams = names.map((name, i) => ({ id: i + 1, name, country: 'England' }))
          const aliases = teams.map((t) => ({
            teamId: t.id,
            league: 'E0',
            alias: t.name.toUpperCase() + ' ',
          }))
          const resolver = createTeamResolverFrom(
            memoryTeamDirectory(teams, aliases, [{ code: 'E0', country: 'England' }]),
          )
          const ids = new Set(teams.map((t) => t.id))
          for (const t of teams) {
            expect(resolver.resolve(t.name, 'E0').teamId).toBe(t.id)
            expect(resolver.resolve(` ${t.name.toLowerCase()} `, 'E0').teamId).toBe(t.id)
          }
          for (const probe of probes) {
            try {
              const found = resolver.resolve(probe, 'E0')
              expect(ids.has(found.teamId)).toBe(true)
            } catch (error) {
              expect(isDataError(error, 'UNKNOWN_TEAM'), String(error)).toBe(true)
              const details = (error as { details: { suggestions: { teamId: number; score: number }[] } })
                .details
              for (const s of details.suggestions) {
                expect(ids.has(s.teamId)).toBe(true)
                expect(s.score).toBeGreaterThanOrEqual(0)
                expect(s.score).toBeLessThanOrEqual(1)
              }
            }
            // an unknown league resolves nothing, typed
            expect(() => resolver.resolve(probe, 'ZZ9')).toThrow()
          }
        },
      ),
      { numRuns: 150, seed: 1135 },
    )
  })
})
