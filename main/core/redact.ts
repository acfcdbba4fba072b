/**
 * Secrets never appear in logs, errors or exported files. URLs keep their host and path but lose
 * their user info and any token-like query parameter.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    // the user name is not a secret and helps the user see which account is used
    if (parsed.password) parsed.password = '***'
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|password|secret|key/i.test(key)) parsed.searchParams.set(key, '***')
    }
    return parsed.toString()
  } catch {
    // unparsable (a password with an unencoded "/" or "#"): everything between "//" and the last "@"
    // is credentials; keep the user name, hide the rest
    return url.replace(
      /^([a-z][a-z0-9+.-]*:\/\/)([^:@\s]*)(:[^\s]*)?@(?=[^@]*$)/i,
      (_m, scheme: string, user: string, pass?: string) => `${scheme}${user}${pass ? ':***' : ''}@`,
    )
  }
}

/**
 * Replaces every occurrence of each secret with `***`, and any Authorization header value or
 * `user:pass@` URL credentials that slipped into the text. Empty secrets are ignored.
 */
export function redactSecrets(message: string, secrets: readonly (string | null | undefined)[]): string {
  let out = message
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***')
  }
  out = out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
  out = out.replace(/(https?:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1')
  return out
}
