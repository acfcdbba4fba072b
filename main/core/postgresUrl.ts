/**
 * The Postgres connection URL checked before pg sees it, so a malformed DATABASE_URL is named by the
 * part that is wrong (pg resolves a URL it cannot parse against a dummy base and answers
 * `getaddrinfo ENOTFOUND base`), and the `application_name` every connection sets, so a DBA sees in
 * pg_stat_activity which program, version and machine a session is: `scoreline 0.9.0 laptop-7`.
 * Messages never repeat the password.
 */
import os from 'node:os'
import { APP_VERSION } from './version'

const EXAMPLE = 'postgres://user:password@host:5432/database'

/** Null when the URL is usable; otherwise what is wrong with it, naming the part. */
export function postgresUrlProblem(url: string): string | null {
  const text = url.trim()
  if (text === '') return `DATABASE_URL is empty; expected ${EXAMPLE}`
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]
  if (!scheme || !text.slice(scheme.length + 1).startsWith('//'))
    return `DATABASE_URL has no scheme: it must start with postgres:// (expected ${EXAMPLE})`
  if (!/^postgres(ql)?$/i.test(scheme))
    return `DATABASE_URL has the scheme "${scheme}://"; expected postgres:// or postgresql:// (${EXAMPLE})`
  const authority = text.slice(scheme.length + 3).split(/[/?#]/, 1)[0]
  const at = authority.lastIndexOf('@')
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority
  const userInfo = at >= 0 ? authority.slice(0, at) : ''
  // a character with a meaning in URLs inside the password cuts the URL short
  const rest = text.slice(scheme.length + 3)
  const firstSpecial = rest.search(/[/?#]/)
  if (firstSpecial >= 0 && rest.indexOf('@', firstSpecial) > firstSpecial && !/[?&]host=/.test(rest)) {
    return (
      'DATABASE_URL: the user or password contains a "/", "?" or "#", which ends the host part early; ' +
      'percent-encode it (/ → %2F, ? → %3F, # → %23, @ → %40)'
    )
  }
  if (userInfo.split(':').length > 2)
    return 'DATABASE_URL: the password contains ":"; percent-encode it as %3A'
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    const port = /:([^:\]]*)$/.exec(hostPort)?.[1]
    if (port !== undefined && !/^\d+$/.test(port))
      return `DATABASE_URL: the port "${port}" after the host is not a number`
    return `DATABASE_URL is not a valid URL; expected ${EXAMPLE} (percent-encode special characters in the password)`
  }
  if (parsed.hostname === '' && !parsed.searchParams.get('host'))
    return `DATABASE_URL names no host after "//"; expected ${EXAMPLE}`
  if (parsed.port !== '' && (Number(parsed.port) < 1 || Number(parsed.port) > 65535))
    return `DATABASE_URL: the port ${parsed.port} is out of range`
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (database.includes('/'))
    return `DATABASE_URL: the database name "${database}" contains "/"; expected one name after the host (${EXAMPLE})`
  return null
}

/** `scoreline <version> <host>`, at most 63 bytes (Postgres truncates NAMEDATALEN - 1). */
export function postgresApplicationName(host = os.hostname()): string {
  return `scoreline ${APP_VERSION} ${host}`.slice(0, 63)
}
