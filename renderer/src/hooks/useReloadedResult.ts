import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape, Result } from '../../../shared/api/errors'

/** The events after which a Dashboard panel's figures may have changed: new data, a finished training. */
const RELOAD_ON = ['data.changed', 'training.finished'] as const

/**
 * Calls `load(api)` now and again after every event that can change its answer (data changed, training
 * finished), keeping the latest value and the latest error (a success clears the error). An answer that
 * arrives after unmount is dropped. `load` should be stable (defined at module level): a new function
 * loads again.
 */
export function useReloadedResult<T>(
  api: ScorelineApi,
  load: (api: ScorelineApi) => Promise<Result<T>>,
): { value: T | null; error: ApiErrorShape | null } {
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<ApiErrorShape | null>(null)
  useEffect(() => {
    let live = true
    const reload = () =>
      void load(api).then((r) => {
        if (!live) return
        if (r.ok) {
          setValue(r.value)
          setError(null)
        } else setError(r.error)
      })
    reload()
    const offs = RELOAD_ON.map((event) => api.on(event, reload))
    return () => {
      live = false
      for (const off of offs) off()
    }
  }, [api, load])
  return { value, error }
}
