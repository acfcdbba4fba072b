import type { z } from 'zod'

/** One procedure of the contract: a zod schema for its input and one for its output. */
export interface ProcedureDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I
  readonly output: O
  readonly summary: string
}

/** One event the main process pushes to the renderer (progress, logs, status). */
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P
  readonly summary: string
}

export function procedure<I extends z.ZodType, O extends z.ZodType>(def: {
  input: I
  output: O
  summary: string
}): ProcedureDef<I, O> {
  return def
}

export function event<P extends z.ZodType>(def: { payload: P; summary: string }): EventDef<P> {
  return def
}
