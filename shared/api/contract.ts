import type { z } from 'zod'
import { appEvents, appProcedures } from './domains/app'
import { dataEvents, dataProcedures } from './domains/data'
import { featureProcedures } from './domains/features'
import { fixtureProcedures } from './domains/fixtures'
import { healthProcedures } from './domains/health'
import { jackpotProcedures } from './domains/jackpots'
import { trainingEvents, trainingProcedures } from './domains/training'
import { trackingEvents, trackingProcedures } from './domains/tracking'
import type { EventDef, ProcedureDef } from './define'
import type { Result } from './errors'

/**
 * THE contract: every procedure the renderer can call and every event it can receive.
 * Per-domain maps are merged here; the preload, the IPC registration, the browser bridge, the
 * renderer's client and the CLI's `--json` output all derive from these two objects.
 */
export const procedures = {
  ...appProcedures,
  ...dataProcedures,
  ...jackpotProcedures,
  ...fixtureProcedures,
  ...trainingProcedures,
  ...featureProcedures,
  ...trackingProcedures,
  ...healthProcedures,
} satisfies Record<string, ProcedureDef>

export const events = {
  ...appEvents,
  ...dataEvents,
  ...trainingEvents,
  ...trackingEvents,
} satisfies Record<string, EventDef>

export type Procedures = typeof procedures
export type ProcedureName = keyof Procedures & string
export type EventName = keyof typeof events & string

export type ProcedureInput<N extends ProcedureName> = z.input<Procedures[N]['input']>
export type ParsedInput<N extends ProcedureName> = z.output<Procedures[N]['input']>
export type ProcedureOutput<N extends ProcedureName> = z.output<Procedures[N]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]['payload']>

export const procedureNames = Object.keys(procedures) as ProcedureName[]
export const eventNames = Object.keys(events) as EventName[]

export function isProcedureName(name: string): name is ProcedureName {
  return Object.prototype.hasOwnProperty.call(procedures, name)
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name)
}

type DomainOf<N extends string> = N extends `${infer D}.${string}` ? D : never
export type Domain = DomainOf<ProcedureName>

export type ProcedureMethod<N extends ProcedureName> =
  // procedures whose input is an empty object can be called without an argument
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "every field optional" test
  {} extends ProcedureInput<N>
    ? (input?: ProcedureInput<N>) => Promise<Result<ProcedureOutput<N>>>
    : (input: ProcedureInput<N>) => Promise<Result<ProcedureOutput<N>>>

export type EventHandler<E extends EventName> = (payload: EventPayload<E>) => void

/**
 * What `window.scoreline` (preload) and `createBridgeClient()` (browser) both are: one method per
 * procedure, grouped by domain (`api.app.info()`), each resolving to a Result, plus `on`.
 */
export type ScorelineApi = {
  [D in Domain]: {
    [N in ProcedureName as N extends `${D}.${infer V}` ? V : never]: ProcedureMethod<N>
  }
} & {
  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void
}

/** A transport moves one call or event subscription; `buildApi` shapes it into a ScorelineApi. */
export interface Transport {
  invoke(name: ProcedureName, input: unknown): Promise<Result<unknown>>
  subscribe(event: EventName, handler: (payload: unknown) => void): () => void
}

/** Builds the grouped API object from a transport, with exactly the contract's procedures. */
export function buildApi(transport: Transport): ScorelineApi {
  const api: Record<string, Record<string, unknown>> = {}
  for (const name of procedureNames) {
    const [domain, verb] = splitName(name)
    api[domain] ??= {}
    api[domain][verb] = (input?: unknown) => transport.invoke(name, input ?? {})
  }
  const on = (event: EventName, handler: (payload: unknown) => void) => {
    if (!isEventName(event)) throw new Error(`Unknown event "${String(event)}"`)
    return transport.subscribe(event, handler)
  }
  return Object.freeze({ ...api, on }) as unknown as ScorelineApi
}

export function splitName(name: string): [string, string] {
  const dot = name.indexOf('.')
  return [name.slice(0, dot), name.slice(dot + 1)]
}
