// The preload exposes exactly the contract: one method per procedure (grouped by domain) and a
// typed `on(event, handler)`. It never hands ipcRenderer itself to the page.
import { contextBridge, ipcRenderer } from 'electron'
import { buildApi, isEventName, isProcedureName, type Transport } from '../shared/api/contract'
import type { Result } from '../shared/api/errors'

const EVENT_CHANNEL_PREFIX = 'scoreline:event:'

const transport: Transport = {
  invoke(name, input) {
    if (!isProcedureName(name))
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: name } })
    return ipcRenderer.invoke(name, input) as Promise<Result<unknown>>
  },
  subscribe(event, handler) {
    if (!isEventName(event)) throw new Error(`Unknown event "${String(event)}"`)
    const channel = EVENT_CHANNEL_PREFIX + event
    const listener = (_event: Electron.IpcRendererEvent, payload: unknown) => handler(payload)
    ipcRenderer.on(channel, listener)
    return () => {
      ipcRenderer.removeListener(channel, listener)
    }
  },
}

contextBridge.exposeInMainWorld('scoreline', buildApi(transport))
