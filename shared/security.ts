/**
 * The renderer's Content-Security-Policy, the same in Electron (meta tag + response header) and
 * in the browser bridge: only our own scripts, no eval, no remote content, API calls to our origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** https hosts `shell.openExternal` may open (docs and data sources an analyst follows). */
export const EXTERNAL_LINK_ALLOW_LIST = ['www.football-data.co.uk', 'mlflow.org', 'github.com']
