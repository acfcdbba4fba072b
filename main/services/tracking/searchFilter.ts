/**
 * MLflow's run search syntax for the local store: `AND`-joined comparisons on metrics, params, tags and
 * run attributes, and `order_by` clauses — compiled to SQL over the tracking schema. Same grammar and the
 * same errors (INVALID filter → TRACKING_INVALID) as a server would give for the subset Scoreline uses.
 */
import { TrackingError } from './errors'

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute'

export interface Comparison {
  type: EntityType
  key: string
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN'
  value: string | number | (string | number)[]
}

const PREFIXES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
}

const ATTRIBUTES: Record<string, { column: string; numeric: boolean }> = {
  run_id: { column: 'r.run_id', numeric: false },
  run_name: { column: 'r.run_name', numeric: false },
  status: { column: 'r.status', numeric: false },
  start_time: { column: 'r.start_time', numeric: true },
  end_time: { column: 'r.end_time', numeric: true },
  artifact_uri: { column: 'r.artifact_uri', numeric: false },
  created: { column: 'r.start_time', numeric: true },
  Created: { column: 'r.start_time', numeric: true },
}

type Token = { kind: 'ident' | 'string' | 'number' | 'op' | 'word' | 'punct'; text: string }

function invalid(message: string): TrackingError {
  return new TrackingError('TRACKING_INVALID', `Invalid search filter: ${message}`)
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i]
    if (/\s/.test(c)) {
      i++
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      let text = ''
      while (j < input.length && input[j] !== c) {
        if (input[j] === '\\' && j + 1 < input.length) j++
        text += input[j++]
      }
      if (j >= input.length) throw invalid(`unterminated quote starting at position ${i}`)
      tokens.push({ kind: c === '`' ? 'ident' : 'string', text })
      i = j + 1
    } else if (/[<>=!]/.test(c)) {
      const two = input.slice(i, i + 2)
      if (['<=', '>=', '!=', '=='].includes(two)) {
        tokens.push({ kind: 'op', text: two === '==' ? '=' : two })
        i += 2
      } else if (c === '!') {
        throw invalid(`unexpected '!' at position ${i}`)
      } else {
        tokens.push({ kind: 'op', text: c })
        i++
      }
    } else if (c === '(' || c === ')' || c === ',' || c === '.') {
      tokens.push({ kind: 'punct', text: c })
      i++
    } else if (/[-+0-9]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.test(input.slice(i))) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(input.slice(i))!
      tokens.push({ kind: 'number', text: m[0] })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_\-:/]*/.exec(input.slice(i))!
      tokens.push({ kind: 'word', text: m[0] })
      i += m[0].length
    } else {
      throw invalid(`unexpected '${c}' at position ${i}`)
    }
  }
  return tokens
}

/** Parse `metrics.rps < 0.2 and params.league = 'E0'` into comparisons. */
export function parseFilter(filter: string | undefined): Comparison[] {
  if (!filter || filter.trim() === '') return []
  const tokens = tokenize(filter)
  let pos = 0
  const peek = () => tokens[pos]
  const next = () => tokens[pos++]
  const out: Comparison[] = []
  for (;;) {
    const { type, key } = parseIdentifier()
    const opToken = next()
    if (!opToken) throw invalid(`missing comparison after '${key}'`)
    let op: Comparison['op']
    if (opToken.kind === 'op') op = opToken.text as Comparison['op']
    else if (opToken.kind === 'word' && ['LIKE', 'ILIKE', 'IN'].includes(opToken.text.toUpperCase())) {
      op = opToken.text.toUpperCase() as Comparison['op']
    } else if (
      opToken.kind === 'word' &&
      opToken.text.toUpperCase() === 'NOT' &&
      peek()?.text.toUpperCase() === 'IN'
    ) {
      next()
      op = 'NOT IN'
    } else throw invalid(`expected a comparison operator after '${key}', got '${opToken.text}'`)
    let value: Comparison['value']
    if (op === 'IN' || op === 'NOT IN') {
      if (next()?.text !== '(') throw invalid(`expected '(' after ${op}`)
      const list: (string | number)[] = []
      for (;;) {
        list.push(parseValue())
        const t = next()
        if (t?.text === ')') break
        if (t?.text !== ',') throw invalid(`expected ',' or ')' in the ${op} list`)
      }
      value = list
    } else value = parseValue()
    if (type === 'metric' && typeof value !== 'number')
      throw invalid(`metric '${key}' must be compared with a number`)
    if ((type === 'param' || type === 'tag') && typeof value === 'number') {
      throw invalid(`${type} '${key}' values are strings: quote the value ('${value}')`)
    }
    if ((type === 'param' || type === 'tag') && ['<', '<=', '>', '>='].includes(op)) {
      throw invalid(`${type} '${key}' supports =, !=, LIKE, ILIKE, IN only`)
    }
    out.push({ type, key, op, value })
    const t = next()
    if (!t) break
    if (t.kind !== 'word' || t.text.toUpperCase() !== 'AND')
      throw invalid(`expected AND, got '${t.text}' (OR is not supported)`)
  }
  return out

  function parseIdentifier(): { type: EntityType; key: string } {
    const first = next()
    if (!first) throw invalid('expected an identifier')
    if ((first.kind === 'word' || first.kind === 'ident') && peek()?.text === '.' && first.kind === 'word') {
      const type = PREFIXES[first.text.toLowerCase()]
      if (!type)
        throw invalid(`unknown entity type '${first.text}' (use metrics., params., tags. or attributes.)`)
      next()
      // keys may contain dots: metrics.model.rps → key "model.rps"
      let key = ''
      for (;;) {
        const part = next()
        if (
          !part ||
          (part.kind !== 'word' && part.kind !== 'ident' && part.kind !== 'string' && part.kind !== 'number')
        ) {
          throw invalid(`expected a key after '${first.text}.'`)
        }
        key += part.text
        if (peek()?.text === '.' && part.kind === 'word') {
          next()
          key += '.'
          continue
        }
        break
      }
      if (type === 'attribute' && !ATTRIBUTES[key]) throw invalid(`unknown attribute '${key}'`)
      return { type, key }
    }
    if (first.kind === 'word' && ATTRIBUTES[first.text]) return { type: 'attribute', key: first.text }
    throw invalid(`'${first.text}' needs a prefix: metrics., params., tags. or attributes.`)
  }

  function parseValue(): string | number {
    const t = next()
    if (!t) throw invalid('expected a value')
    if (t.kind === 'string') return t.text
    if (t.kind === 'number') return Number(t.text)
    throw invalid(`expected a quoted string or a number, got '${t.text}'`)
  }
}

/** SQL for one comparison against run alias `r`; pushes its parameters to `params`. */
export function comparisonSql(c: Comparison, params: unknown[]): string {
  const list = Array.isArray(c.value) ? c.value : [c.value]
  const valueSql = (column: string): string => {
    switch (c.op) {
      case 'LIKE':
      case 'ILIKE':
        params.push(c.value, c.op === 'ILIKE' ? 1 : 0)
        return `tr_like(${column}, ?, ?)`
      case 'IN':
      case 'NOT IN':
        params.push(...list)
        return `${column} ${c.op} (${list.map(() => '?').join(', ')})`
      default:
        params.push(c.value)
        return `${column} ${c.op} ?`
    }
  }
  switch (c.type) {
    case 'metric': {
      params.push(c.key)
      return `EXISTS (SELECT 1 FROM tr_latest_metrics m WHERE m.run_id = r.run_id AND m.key = ? AND m.is_nan = 0 AND ${valueSql('m.value')})`
    }
    case 'param':
    case 'tag': {
      const table = c.type === 'param' ? 'tr_params' : 'tr_tags'
      // As in MLflow, a run without the key matches no comparison (not even `!=`).
      params.push(c.key)
      return `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.run_id AND x.key = ? AND ${valueSql('x.value')})`
    }
    case 'attribute': {
      const attr = ATTRIBUTES[c.key]
      if (attr.numeric && list.some((v) => typeof v !== 'number')) {
        throw invalid(`attribute '${c.key}' must be compared with a number`)
      }
      if ((c.op === 'IN' || c.op === 'NOT IN') && c.key !== 'run_id') {
        throw invalid(`only the run_id attribute supports IN (got '${c.key}')`)
      }
      if (!attr.numeric && ['<', '<=', '>', '>='].includes(c.op)) {
        throw invalid(`attribute '${c.key}' supports =, !=, LIKE, ILIKE, IN only`)
      }
      return valueSql(attr.column)
    }
  }
}

/** SQL ORDER BY for MLflow order_by clauses; missing values sort last; ties by start_time DESC, run_id. */
export function orderBySql(orderBy: string[] | undefined, params: unknown[]): string {
  const parts: string[] = []
  for (const clause of orderBy ?? []) {
    const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(clause)
    if (!m) throw invalid(`bad order_by clause '${clause}'`)
    const direction = (m[2] ?? 'ASC').toUpperCase()
    const [{ type, key }] = parseFilter(
      `${m[1]} = ${/^(metrics?|attr\w*|run)\./i.test(m[1]) ? '0' : "''"}`,
    ).map((c) => c)
    let expr: string
    if (type === 'metric') {
      params.push(key)
      expr =
        '(SELECT CASE WHEN m.is_nan = 1 THEN NULL ELSE m.value END FROM tr_latest_metrics m WHERE m.run_id = r.run_id AND m.key = ?)'
    } else if (type === 'param' || type === 'tag') {
      params.push(key)
      expr = `(SELECT x.value FROM ${type === 'param' ? 'tr_params' : 'tr_tags'} x WHERE x.run_id = r.run_id AND x.key = ?)`
    } else expr = ATTRIBUTES[key].column
    parts.push(`${expr} ${direction} NULLS LAST`)
  }
  parts.push('r.start_time DESC', 'r.run_id ASC')
  return parts.join(', ')
}

/** SQL LIKE semantics (case-sensitive unless ILIKE), for registering as `tr_like`. */
export function likeMatches(value: unknown, pattern: unknown, caseInsensitive: unknown): number {
  if (typeof value !== 'string' || typeof pattern !== 'string') return 0
  let re = '^'
  for (const ch of pattern) {
    if (ch === '%') re += '.*'
    else if (ch === '_') re += '.'
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`${re}$`, caseInsensitive ? 'is' : 's').test(value) ? 1 : 0
}
