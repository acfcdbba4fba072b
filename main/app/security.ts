import { session, shell, type BrowserWindow, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY, EXTERNAL_LINK_ALLOW_LIST } from '../../shared/security'

/** Only https links to allow-listed hosts leave the app, and they open in the user's browser. */
export function openExternalSafely(url: string): boolean {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' || !EXTERNAL_LINK_ALLOW_LIST.includes(parsed.hostname)) return false
    void shell.openExternal(parsed.toString())
    return true
  } catch {
    return false
  }
}

/** Is this URL our own page (the built renderer, or the dev server in `npm run dev`)? */
export function isOwnPage(url: string, rendererUrl: string): boolean {
  try {
    const target = new URL(url)
    const own = new URL(rendererUrl)
    if (own.protocol === 'file:') return target.protocol === 'file:' && target.pathname === own.pathname
    return target.origin === own.origin
  } catch {
    return false
  }
}

/**
 * Locks a window down: no navigation away from our page, no new windows (allow-listed links go to
 * the system browser), every permission request denied, the CSP sent as a response header.
 */
export function hardenWindow(window: BrowserWindow, rendererUrl: string): void {
  const contents: WebContents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, rendererUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isOwnPage(url, rendererUrl)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
}
