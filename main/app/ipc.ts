import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { procedureNames } from '../../shared/api/contract'
import type { Scoreline } from '../core/scoreline'
import { isOwnPage } from './security'

export const EVENT_CHANNEL_PREFIX = 'scoreline:event:'

/**
 * Registers every contract procedure with ipcMain.handle. A call is served only when it comes
 * from our own page in our own window; everything else is refused before dispatch sees it.
 */
export function registerIpc(
  scoreline: Scoreline,
  window: () => BrowserWindow | null,
  rendererUrl: string,
): () => void {
  const fromOwnPage = (event: IpcMainInvokeEvent) => {
    const win = window()
    const frameUrl = event.senderFrame?.url ?? ''
    return win !== null && event.sender === win.webContents && isOwnPage(frameUrl, rendererUrl)
  }
  for (const name of procedureNames) {
    ipcMain.handle(name, async (event, input: unknown) => {
      if (!fromOwnPage(event)) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'Calls are accepted from the Scoreline window only.' },
        }
      }
      return scoreline.dispatch(name, input, { transport: 'ipc' })
    })
  }
  const unsubscribe = scoreline.events.subscribe((event, payload) => {
    const win = window()
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL_PREFIX + event, payload)
  })
  return () => {
    unsubscribe()
    for (const name of procedureNames) ipcMain.removeHandler(name)
  }
}
