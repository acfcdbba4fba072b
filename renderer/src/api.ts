import { createBridgeClient } from '../../shared/api/bridgeClient'
import type { ScorelineApi } from '../../shared/api/contract'
import { ApiError, type Result } from '../../shared/api/errors'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser (then the bridge is used). */
    scoreline?: ScorelineApi
  }
}

/** The renderer cannot tell IPC from the browser bridge: both give the same typed object. */
export const api: ScorelineApi = window.scoreline ?? createBridgeClient(window.location)

/** Unwraps a Result into a value, throwing the typed ApiError (code, message, details). */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending
  if (result.ok) return result.value
  throw ApiError.from(result.error)
}
