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
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
}

/** Removes every occurrence of the given secret strings from a message. */
export function redactSecrets(message: string, secrets: readonly (string | null | undefined)[]): string {
  let out = message
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***')
  }
  return out
}
