import { describe, expect, it } from 'vitest'
import { createDispatch, type Handlers } from './dispatch'
import { ApiError } from '../../shared/api/errors'
import { procedureNames } from '../../shared/api/contract'

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const base: Partial<Handlers> = {
    'app.ping': ({ message }) => ({ message, receivedAt: new Date(0).toISOString() }),
  }
  const all = { ...base, ...overrides } as Record<string, unknown>
  for (const name of procedureNames) {
    all[name] ??= () => {
      throw new Error(`${name} not used in this test`)
    }
  }
  return all as Handlers
}

describe('dispatch', () => {
  it('rejects an unknown procedure with UNKNOWN_PROCEDURE', async () => {
    const dispatch = createDispatch(handlers())
    const result = await dispatch('app.nope', {}, { transport: 'test' })
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_PROCEDURE', message: 'Unknown procedure "app.nope".' },
    })
  })

  it('does not treat Object.prototype keys as procedures', async () => {
    const dispatch = createDispatch(handlers())
    const result = await dispatch('constructor', {}, { transport: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_PROCEDURE')
  })

  it('names the invalid field in INVALID_INPUT', async () => {
    const dispatch = createDispatch(handlers())
    const result = await dispatch('app.ping', { message: 42 }, { transport: 'test' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INVALID_INPUT')
    expect(result.error.message).toContain('message')
    expect(result.error.details).toMatchObject({ issues: [{ path: 'message' }] })
  })

  it('rejects unexpected extra fields (strict inputs)', async () => {
    const dispatch = createDispatch(handlers())
    const result = await dispatch('app.ping', { message: 'hi', extra: true }, { transport: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT')
  })

  it('returns the validated value on success', async () => {
    const dispatch = createDispatch(handlers())
    const result = await dispatch('app.ping', { message: 'hello' }, { transport: 'test' })
    expect(result).toEqual({ ok: true, value: { message: 'hello', receivedAt: '1970-01-01T00:00:00.000Z' } })
  })

  it("keeps a service error's code, message and details", async () => {
    const dispatch = createDispatch(
      handlers({
        'app.ping': () => {
          throw new ApiError('UNKNOWN_TEAM', 'No team "Arsnal" in E0', { suggestions: ['Arsenal'] })
        },
      }),
    )
    const result = await dispatch('app.ping', { message: 'x' }, { transport: 'test' })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'UNKNOWN_TEAM',
        message: 'No team "Arsnal" in E0',
        details: { suggestions: ['Arsenal'] },
      },
    })
  })

  it('keeps the code of plain errors carrying one (typed service errors)', async () => {
    const dispatch = createDispatch(
      handlers({
        'app.ping': () => {
          throw Object.assign(new Error('E0_2019-20.csv:214: FTHG "x" is not a number'), {
            code: 'CSV_PARSE',
          })
        },
      }),
    )
    const result = await dispatch('app.ping', { message: 'x' }, { transport: 'test' })
    expect(result.ok === false && result.error.code).toBe('CSV_PARSE')
  })

  it('maps an untyped error to INTERNAL and reports it', async () => {
    const seen: string[] = []
    const dispatch = createDispatch(
      handlers({
        'app.ping': () => {
          throw new TypeError('boom')
        },
      }),
      { onError: (name) => seen.push(name) },
    )
    const result = await dispatch('app.ping', { message: 'x' }, { transport: 'test' })
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
    expect(seen).toEqual(['app.ping'])
  })

  it('catches an output that breaks the contract', async () => {
    const dispatch = createDispatch(handlers({ 'app.ping': () => ({ message: 1 }) as never }), {
      validateOutput: true,
    })
    const result = await dispatch('app.ping', { message: 'x' }, { transport: 'test' })
    expect(result.ok === false && result.error.code).toBe('INVALID_OUTPUT')
  })
})
