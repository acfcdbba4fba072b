export const pct = (p: number, digits = 1) => `${(p * 100).toFixed(digits)}%`
export const points = (delta: number) => `${delta >= 0 ? '+' : '−'}${Math.abs(delta * 100).toFixed(1)}`

export const OUTCOME_LABEL = { H: 'home win', D: 'draw', A: 'away win' } as const
