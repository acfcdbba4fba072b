/**
 * Every SQL statement is parameterised: values travel as `?` / `$n` parameters, never inside the
 * text. This test parses every production source under main/ (TypeScript's own parser, so
 * multi-line statements and nested templates are seen) and finds
 *   - template literals whose text is SQL and that interpolate something, and
 *   - string concatenations (`'...SQL...' + x`) whose literal part is SQL,
 * then fails on any interpolated expression not on the allow-list below. Allowed are identifiers
 * from a fixed set only (table and column names from constants, `?` placeholder lists, fixed SQL
 * fragments chosen by a boolean) — each entry says why. Values never.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TrackingError } from '../../main/services/tracking/errors'
import { comparisonSql, orderBySql, parseFilter } from '../../main/services/tracking/searchFilter'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Text that is SQL (upper-case keywords as the code base writes them, or placeholders). */
const SQL_TEXT =
  /\b(SELECT|INSERT INTO|INSERT OR|UPDATE|DELETE FROM|CREATE (UNIQUE )?(TABLE|INDEX|DATABASE)|DROP (TABLE|INDEX|DATABASE)|ALTER TABLE|PRAGMA|WHERE|ORDER BY|VALUES|ON CONFLICT)\b|\bNULLS (LAST|FIRST)\b|(=|<|>|\bIN|\bLIKE)\s*\(?\s*(\?|\$\d)|\bIN \( \$\{…\}|^\s*\$\{…\}\s+\$\{…\}\s+(\?|\(\s*\$\{…\}\s*\))/

type Allowed = [expression: RegExp, why: string]

/**
 * file → interpolations allowed in its SQL. Keep it short and reviewed: a new entry needs a reason
 * that shows the value can only come from a fixed set.
 */
const ALLOW: Record<string, Allowed[]> = {
  'main/services/data/db/deferredIndexes.ts': [
    [
      /^ix\.name\.replace\(\/"\/g, '""'\)$/,
      'an index name read from sqlite_master, double-quoted and escaped',
    ],
  ],
  'main/services/data/db/packMatchOdds.ts': [
    [/^(PACKED_ODDS_SQL|ODDS_OBJECT)$/, 'a constant SQL expression'],
  ],
  'main/services/data/fixtures/fixtureQueries.ts': [
    [/^SELECT_FIXTURES$/, 'a constant SELECT of scheduled matches'],
  ],
  'main/services/data/fixtures/importFixturesToPostgres.ts': [
    [/^TS\('[a-z_]+'\)$/, 'to_char() around a literal column name'],
  ],
  'main/services/data/import/importFile.ts': [
    [/^cols$/, 'MATCH_FIELDS.join(", "): the constant column list'],
    [
      /^MATCH_FIELDS\.map\(.*\)\.join\(', '\)$/,
      'column names / ? placeholders from the constant MATCH_FIELDS',
    ],
    [/^f$/, 'inside MATCH_FIELDS.map((f) => …): a constant column name'],
  ],
  'main/services/data/import/importToPostgres.ts': [
    [/^names\.join\(', '\)$/, 'constant column names'],
    [/^names\.length \+ 1$/, 'a parameter number ($n)'],
    [
      /^types\.map\(\(t, i\) => `\$\$\{i \+ 1\}::\$\{t\}\[\]`\)\.join\(', '\)$/,
      '$n::type[] placeholders, types constant',
    ],
    [/^MATCH_FIELDS\.map\(.*\)\.join\(', '\)$/, 'column names from the constant MATCH_FIELDS'],
  ],
  'main/services/data/jackpots/jackpotStore.ts': [
    [/^opts\.includeDeleted \? '' : 'WHERE deleted = 0'$/, 'one of two fixed fragments'],
  ],
  'main/services/data/queries/dataStatus.ts': [
    [/^t$/, 'a table name from the constant COUNTED list'],
    [/^hasDeleted \? ' WHERE deleted = 0' : ''$/, 'one of two fixed fragments'],
  ],
  'main/services/data/queries/matchQueries.ts': [
    [/^(found\.)?where\.join\(' AND '\)$/, 'fixed clauses with ? placeholders (values go to params)'],
    [/^withOdds \? SELECT_WITH_PACKED_ODDS : SELECT$/, 'one of two constant SELECTs'],
    [/^list$/, 'a list of ? placeholders'],
  ],
  'main/services/data/queries/qualityQueries.ts': [
    [/^(scope|noOdds)$/, 'constant WHERE fragments using named parameters (@league, @season)'],
  ],
  'main/services/data/sync/pushOutbox.ts': [[/^TS\('[a-z_]+'\)$/, 'to_char() around a literal column name']],
  'main/services/data/sync/syncFromPostgres.ts': [
    [/^(table|key|cols)$/, 'table / key / column names from the constant SYNC_TABLES and SELECTS'],
    [/^TS\(.*\)$/, 'to_char() around a literal column name or a constant expression'],
    [/^SELECTS\[table\]\.(cols|key)$/, 'the constant column list / key of a table in SYNC_TABLES'],
    [
      /^horizon$/,
      "COPY takes no bind parameters: the server's own clock reading as ISO text, regex-checked (digits, T, :, ., Z, -) just above",
    ],
  ],
  'main/services/data/sync/bigTables.ts': [
    [/^spec\.table$/, "'matches' or 'odds' (BigTableSpec's type; the constant BIG_TABLES)"],
    [/^spec\.columns\.map\(\(c\) => c\.column\)\.join\(', '\)$/, 'the constant column names of BIG_TABLES'],
    [/^spec\.conflict\.join\(', '\)$/, 'the constant conflict columns of BIG_TABLES'],
    [
      /^valuesList\(rows, spec\.columns\.length\)$/,
      'a VALUES list of ? placeholders (a row count and a constant width)',
    ],
    [/^assignments\(spec, .*\)$/, "'c = excluded.c' or 'c = ?' for each constant column of BIG_TABLES"],
    [/^c$/, 'inside key.map((c) => …): a key checked just above to be one of the constant columns'],
    [/^where$/, "'c = ?' for each of those keys"],
    [/^opts\.localOnly \? ' AND remote_id IS NULL' : ''$/, 'one of two fixed fragments'],
  ],
  'main/services/data/sync/copyText.ts': [
    [
      /^select$/,
      "the sync's own SELECT (constant columns and tables, see syncFromPostgres.ts), wrapped to read its types",
    ],
  ],
  'main/services/data/sync/remoteIds.ts': [[/^table$/, "'teams' or 'matches' (the parameter's type)"]],
  'main/services/tracking/runsMirror.ts': [
    [/^list\.join\(', '\)$/, 'an MLflow search filter, not SQL: run ids quoted by escapeFilterString'],
  ],
  'main/services/tracking/sharedPromotionHistory.ts': [
    [/^COLUMNS\.join\(', '\)$/, 'the constant column list'],
    [/^COLUMNS\.map\(.*\)\.join\(', '\)$/, '$n placeholders, one per constant column'],
    [/^updates$/, "'c = excluded.c' for each constant column"],
  ],
  'main/services/data/testing/pgTestDatabase.ts': [
    [/^name$/, 'test helper: a database name the test generates (scoreline_test_<random hex>)'],
  ],
  'main/services/features/sqliteFeatureStore.ts': [
    [/^abandoned$/, 'a constant WHERE fragment with ? placeholders (values go to params)'],
  ],
  'main/services/features/featureRegistry.ts': [
    [/^this\.(viewsTable|versionsTable|reportsTable)$/, "'fs_' or 'fs_mirror_' + a constant table name"],
  ],
  'main/services/tracking/localTrackingStore.ts': [
    [/^where\.join\(' AND '\)$/, 'clauses from comparisonSql (values pushed to params)'],
    [/^order$/, 'orderBySql: fixed expressions, keys pushed to params'],
    [/^ids\.map\(\(\) => '\?'\)\.join\(', '\)$/, '? placeholders'],
  ],
  'main/services/tracking/searchFilter.ts': [
    [
      /^(column|table)$/,
      "a fixed column ('m.value', 'x.value', attribute columns) or table (tr_params / tr_tags)",
    ],
    [/^c\.op$/, 'an operator from the parser’s fixed set (checked below)'],
    [/^valueSql\('[mx]\.value'\)$/, 'a comparison with ? placeholders'],
    [/^type === 'param' \? 'tr_params' : 'tr_tags'$/, 'one of two table names'],
    [/^list\.map\(\(\) => '\?'\)\.join\(', '\)$/, '? placeholders'],
    [/^expr$/, 'a fixed sub-select or attribute column (keys pushed to params)'],
    [/^direction$/, 'ASC or DESC (regex-checked)'],
  ],
}

interface Finding {
  file: string
  line: number
  expression: string
  sql: string
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry)
    if (statSync(p).isDirectory()) sourceFiles(p, out)
    else if (/\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) && !p.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Every expression interpolated into SQL text in `file`. */
function scan(file: string, text: string): Finding[] {
  const rel = path.relative(root, file).split(path.sep).join('/')
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: Finding[] = []
  const add = (node: ts.Node, expression: ts.Node, sql: string) =>
    found.push({
      file: rel,
      line: src.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      expression: expression.getText().replace(/\s+/g, ' '),
      sql: sql.replace(/\s+/g, ' ').slice(0, 120),
    })
  const literalText = (n: ts.Node): string | null =>
    ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : null
  const visit = (node: ts.Node) => {
    if (ts.isTemplateExpression(node)) {
      const sql = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ${…} ')
      if (SQL_TEXT.test(sql)) for (const span of node.templateSpans) add(node, span.expression, sql)
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = literalText(node.left)
      const r = literalText(node.right)
      if (l !== null && r === null && SQL_TEXT.test(l)) add(node, node.right, l)
      if (r !== null && l === null && SQL_TEXT.test(r)) add(node, node.left, r)
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken &&
      literalText(node.right) === null &&
      /sql|query|where/i.test(node.left.getText())
    ) {
      add(node, node.right, node.left.getText() + ' += …')
    }
    ts.forEachChild(node, visit)
  }
  visit(src)
  return found
}

const files = sourceFiles(path.join(root, 'main'))
const findings = files.flatMap((f) => scan(f, readFileSync(f, 'utf8')))

describe('SQL is parameterised (source scan)', () => {
  it('scans the production sources (and sees the SQL they build)', () => {
    expect(files.length).toBeGreaterThan(100)
    // the scanner is live: it does see the known, allowed interpolations
    expect(findings.some((f) => f.file.endsWith('featureRegistry.ts'))).toBe(true)
  })

  it('interpolates only allow-listed identifiers into SQL text, never values', () => {
    const offending = findings.filter(
      (f) => !(ALLOW[f.file] ?? []).some(([pattern]) => pattern.test(f.expression)),
    )
    expect(
      offending.map((f) => `${f.file}:${f.line} interpolates \`${f.expression}\` into: ${f.sql}`),
    ).toEqual([])
  })

  it('flags value interpolation and concatenation (the scanner catches what it must)', () => {
    const bad = [
      "db.prepare(`SELECT * FROM teams WHERE name = '${name}'`).get()",
      "client.query('SELECT * FROM matches WHERE league_code = ' + league)",
      'db.exec(`DELETE FROM jackpots WHERE id = ${id}`)',
      "let sql = 'SELECT 1'; sql += where; db.prepare(sql)",
      'db.prepare(\n  `UPDATE settings\n   SET value = ${JSON.stringify(v)}\n   WHERE key = ?`,\n)',
    ]
    for (const code of bad) {
      const hits = scan(path.join(root, 'main/fake.ts'), code)
      expect(hits.length, code).toBeGreaterThan(0)
    }
    const fine = [
      "db.prepare('SELECT * FROM teams WHERE name = ?').get(name)",
      'client.query(`SELECT * FROM matches WHERE league_code = $1`, [league])',
      'logger.info(`imported ${n} matches`)',
    ]
    for (const code of fine) expect(scan(path.join(root, 'main/fake.ts'), code), code).toEqual([])
  })

  it('the run-search filter compiles hostile keys and values into parameters, never SQL text (property)', () => {
    // the one place user-typed text (the Experiments filter box) is compiled to SQL
    const hostile = fc.constantFrom(
      "x' OR 1=1 --",
      'x"; DROP TABLE tr_runs; --',
      'INJ`)--',
      'INJ\\',
      "INJ' UNION SELECT * FROM settings --",
    )
    const key = fc.oneof(
      fc.constantFrom('rps', 'xi', 'a.b', 'INJ'),
      hostile.map((h) => '`' + h.replace(/`/g, '') + '`'),
    )
    const good = fc.oneof(
      fc.tuple(
        fc.constantFrom('metrics', 'metric'),
        key,
        fc.constantFrom('=', '!=', '<', '>='),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      ),
      fc.tuple(
        fc.constantFrom('params', 'tags'),
        key,
        fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'),
        hostile.map((h) => `'${h.replace(/'/g, '')}'`),
      ),
      fc.tuple(
        fc.constantFrom('params', 'tags', 'attributes'),
        fc.constantFrom('run_name', 'xi', 'INJ'),
        fc.constantFrom('IN', 'NOT IN'),
        hostile.map((h) => `('${h.replace(/'/g, '')}', 'INJ2')`),
      ),
    )
    const bad = fc.tuple(
      fc.constantFrom('bogus', 'metrics', 'attributes'),
      key,
      fc.constantFrom('==', ';', 'LIKE', 'IN'),
      fc.oneof(
        fc.string({ maxLength: 12 }),
        hostile.map((h) => `"${h}"`),
      ),
    )
    const prefix = fc.constantFrom('metrics', 'params', 'tags', 'attributes', 'run', 'bogus')
    let compiled = 0
    const clause = fc
      .oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad })
      .map(([p, k, o, v]) => `${p}.${k} ${o} ${v}`)
    fc.assert(
      fc.property(
        fc.array(clause, { minLength: 1, maxLength: 2 }),
        fc.array(fc.tuple(prefix, key, fc.constantFrom('', ' ASC', ' DESC', ' DESC; --')), { maxLength: 2 }),
        (clauses, orders) => {
          const filter = clauses.join(' AND ')
          const orderBy = orders.map(([p, k, d]) => `${p}.${k}${d}`)
          let sql: string
          const params: unknown[] = []
          try {
            sql = parseFilter(filter)
              .map((c) => comparisonSql(c, params))
              .concat(orderBySql(orderBy, params))
              .join(' AND ')
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(TrackingError)
            return
          }
          expect(sql).not.toMatch(/INJ|OR 1=1|DROP|UNION|--|;/)
          compiled++
        },
      ),
      { numRuns: 400, seed: 1111 },
    )
    expect(compiled, 'filters that compiled (the property is not vacuous)').toBeGreaterThan(20)
  })

  it('every allow-list entry is still used (no stale exceptions)', () => {
    const unused: string[] = []
    for (const [file, entries] of Object.entries(ALLOW)) {
      for (const [pattern, why] of entries) {
        if (!findings.some((f) => f.file === file && pattern.test(f.expression)))
          unused.push(`${file}: ${pattern} (${why})`)
      }
    }
    expect(unused).toEqual([])
  })
})
