/**
 * The decisions behind the Electron window's hardening, without Electron: which URLs count as our
 * own page, which links may leave the app for the system browser, and which permission requests
 * are granted (none). `main/app/security.ts` wires these into Electron's handlers; tests call them
 * directly (only `main/app/` may import electron).
 */
import { EXTERNAL_LINK_ALLOW_LIST } from '../../shared/security'

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

/** May the window navigate (or be redirected) to `url`? Only to our own page. */
export function allowNavigation(url: string, rendererUrl: string): boolean {
  return isOwnPage(url, rendererUrl)
}

/**
 * The URL to hand to the system browser for a link the page tried to open, or null when it may
 * not leave the app: only https links to an allow-listed host, without credentials in the URL.
 */
export function externalLinkTarget(url: string): string | null {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' || !EXTERNAL_LINK_ALLOW_LIST.includes(parsed.hostname)) return null
    if (parsed.username || parsed.password) return null
    return parsed.toString()
  } catch {
    return null
  }
}

/** What a `window.open` / target=_blank gets inside the app: always denied (links go out via externalLinkTarget). */
export function windowOpenAction(): { action: 'deny' } {
  return { action: 'deny' }
}

/** Permission requests (camera, geolocation, notifications, clipboard…) from the page: none granted. */
export function grantPermission(_permission: string): boolean {
  return false
}
