/**
 * The preload exposes exactly the contract: one method per procedure, grouped by domain, plus
 * `on`. `electron` is replaced by a recorder (the real binary cannot run here), so what the page
 * receives through contextBridge is exactly what we assert on.
 */
import { describe, expect, it, vi } from 'vitest'
import { procedureNames, splitName } from '../../shared/api/contract'

const exposed: Record<string, unknown> = {}
const invoked: { channel: string; args: unknown[] }[] = []
const listeners = new Map<string, (...args: unknown[]) => void>()

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      exposed[key] = value
    },
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args })
      return Promise.resolve({ ok: true, value: null })
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
    removeListener: (channel: string) => listeners.delete(channel),
  },
}))

describe('preload', async () => {
  await import('../../preload/index')
  const api = exposed.scoreline as Record<string, Record<string, unknown>> & { on: unknown }

  it('exposes only window.scoreline', () => {
    expect(Object.keys(exposed)).toEqual(['scoreline'])
  })

  it('has exactly one method per contract procedure, and on()', () => {
    const methods = Object.entries(api)
      .filter(([key]) => key !== 'on')
      .flatMap(([domain, verbs]) => Object.keys(verbs as object).map((verb) => `${domain}.${verb}`))
    expect(methods.sort()).toEqual([...procedureNames].sort())
    expect(typeof api.on).toBe('function')
  })

  it('never exposes ipcRenderer or any of its methods', () => {
    const flat =
      JSON.stringify(Object.keys(api)) +
      JSON.stringify(Object.values(api).map((v) => Object.keys(v as object)))
    expect(flat).not.toMatch(/ipcRenderer|invoke|send|sendSync|postMessage/)
  })

  it('routes a call to the procedure channel with its input', async () => {
    const [domain, verb] = splitName('app.ping')
    await (api[domain][verb] as (input: unknown) => Promise<unknown>)({ message: 'hi' })
    expect(invoked.at(-1)).toEqual({ channel: 'app.ping', args: [{ message: 'hi' }] })
  })

  it('subscribes to contract events only, and unsubscribes', () => {
    const on = api.on as (event: string, handler: (payload: unknown) => void) => () => void
    expect(() => on('app.bogus', () => {})).toThrow(/Unknown event/)
    const seen: unknown[] = []
    const off = on('app.log', (payload) => seen.push(payload))
    listeners.get('scoreline:event:app.log')?.({}, { message: 'x' })
    expect(seen).toEqual([{ message: 'x' }])
    off()
    expect(listeners.has('scoreline:event:app.log')).toBe(false)
  })
})
