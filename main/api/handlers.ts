import type { Handlers } from '../core/dispatch'
import { createAppHandlers, type AppHandlerDeps } from './appHandlers'

export type HandlerDeps = AppHandlerDeps

/** Merges the per-domain handler maps into the one `Handlers` object dispatch needs. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...createAppHandlers(deps),
  }
}
