import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { MAX_MISSES, oneIn, tierChances, tiersOf } from '../../../../shared/jackpotPrizeTiers'
import { useSettingsStore } from '../../stores/settingsStore'
import { pct } from './format'

/** "1 in 1,200,000" for a probability; "—" for 0. */
export function oneInText(p: number): string {
  const n = oneIn(p)
  return n === null ? '—' : `1 in ${n.toLocaleString('en-GB')}`
}

const chance = (p: number) => (p > 0 && p < 0.0001 ? p.toExponential(2) : pct(p, 3))

/**
 * The coupon's chance of each prize tier its provider pays (all n right, n−1, … as stored per provider in the
 * settings), as a percentage and as "1 in N", and an editor for the provider's tiers (#20).
 */
export function PrizeTiers({
  api,
  provider,
  distribution,
}: {
  api: ScorelineApi
  provider: string | null
  /** P(k picks right), k = 0 … n. */
  distribution: readonly number[]
}) {
  const { settings, load, save, saving } = useSettingsStore()
  useEffect(() => {
    if (!settings) void load(api)
  }, [api, settings, load])
  const stored = settings?.jackpotPrizeTiers ?? null
  const tiers = tiersOf(stored, provider)
  const n = distribution.length - 1
  const { tiers: rows, any } = tierChances(distribution, tiers)
  const [draft, setDraft] = useState<number[] | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const chosen = draft ?? tiers
  const options = Array.from({ length: Math.min(MAX_MISSES, Math.max(0, n - 1)) + 1 }, (_, k) => k)

  return (
    <section aria-labelledby="prize-tiers-title" data-testid="prize-tiers">
      <h3 id="prize-tiers-title">
        Prize tiers{' '}
        <span className="muted small">
          {provider ? `as ${provider} pays` : 'no provider on this jackpot: every pick right only'}
        </span>
      </h3>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">Pays for</th>
            <th scope="col" className="num">
              Chance
            </th>
            <th scope="col" className="num">
              1 in N
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.misses} data-testid={`tier-${t.misses}`}>
              <th scope="row">
                {t.misses === 0 ? `all ${n} right` : `${t.correct} of ${n} (n−${t.misses})`}
              </th>
              <td className="num">{chance(t.probability)}</td>
              <td className="num" data-testid="one-in">
                {oneInText(t.probability)}
              </td>
            </tr>
          ))}
          {any && rows.length > 1 && (
            <tr data-testid="tier-any">
              <th scope="row">any prize ({any.correct} or more right)</th>
              <td className="num">{chance(any.probability)}</td>
              <td className="num">{oneInText(any.probability)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {provider && (
        <details className="prize-tier-editor">
          <summary>Change the tiers {provider} pays</summary>
          <fieldset>
            <legend className="small muted">Pays for (stored for every {provider} jackpot)</legend>
            {options.map((k) => (
              <label key={k} className="inline">
                <input
                  type="checkbox"
                  checked={chosen.includes(k)}
                  disabled={k === 0}
                  onChange={(e) =>
                    setDraft(
                      e.target.checked ? [...chosen, k].sort((a, b) => a - b) : chosen.filter((x) => x !== k),
                    )
                  }
                />{' '}
                {k === 0 ? 'n (all right)' : `n−${k}`}
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            disabled={saving === 'jackpotPrizeTiers' || draft === null}
            onClick={async () => {
              const next = { ...(stored ?? {}), [provider]: chosen }
              const error = await save(api, 'jackpotPrizeTiers', JSON.stringify(next))
              setMessage(
                error
                  ? error.message
                  : `Saved: ${provider} pays ${chosen.map((k) => (k === 0 ? 'n' : `n−${k}`)).join(', ')}.`,
              )
              if (!error) setDraft(null)
            }}
          >
            Save tiers
          </button>
          {message && (
            <p role="status" className="small">
              {message}
            </p>
          )}
        </details>
      )}
    </section>
  )
}
