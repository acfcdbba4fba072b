import { session, shell, type BrowserWindow, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/security'
import {
  allowNavigation,
  externalLinkTarget,
  grantPermission,
  isOwnPage,
  windowOpenAction,
} from '../core/windowPolicy'

export { isOwnPage }

/** Only https links to allow-listed hosts leave the app, and they open in the user's browser. */
export function openExternalSafely(url: string): boolean {
  const target = externalLinkTarget(url)
  if (target === null) return false
  void shell.openExternal(target)
  return true
}

/**
 * Locks a window down: no navigation away from our page, no new windows (allow-listed links go to
 * the system browser), every permission request denied, the CSP sent as a response header.
 */
export function hardenWindow(window: BrowserWindow, rendererUrl: string): void {
  const contents: WebContents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, rendererUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url, rendererUrl)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return windowOpenAction()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(grantPermission(permission)))
  ses.setPermissionCheckHandler((_contents, permission) => grantPermission(permission))
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
}
