/** log x! (the −log x! − log y! terms every reported log-likelihood includes, GUIDE.md), cached. */
const LOG_FACT: number[] = [0]

/** log x! for small non-negative integers (goal counts): Σ_{i≤x} log i, cached as it grows. */
export function logFactorial(x: number): number {
  for (let i = LOG_FACT.length; i <= x; i++) LOG_FACT.push(LOG_FACT[i - 1] + Math.log(i))
  return LOG_FACT[x]
}
