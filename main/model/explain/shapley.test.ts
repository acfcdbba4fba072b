import { describe, expect, it } from 'vitest'
import { shapleyValues } from './shapley'

const members = (mask: number, m: number) =>
  Array.from({ length: m }, (_, i) => i).filter((i) => mask & (1 << i))

/** Shapley's original definition: the average marginal contribution over all m! orderings. */
function byPermutations(m: number, v: (mask: number) => number): number[] {
  const phi = new Array<number>(m).fill(0)
  let count = 0
  const perm = Array.from({ length: m }, (_, i) => i)
  const visit = (k: number) => {
    if (k === m) {
      let mask = 0
      for (const i of perm) {
        phi[i] += v(mask | (1 << i)) - v(mask)
        mask |= 1 << i
      }
      count++
      return
    }
    for (let j = k; j < m; j++) {
      ;[perm[k], perm[j]] = [perm[j], perm[k]]
      visit(k + 1)
      ;[perm[k], perm[j]] = [perm[j], perm[k]]
    }
  }
  visit(0)
  return phi.map((x) => x / count)
}

describe('shapleyValues', () => {
  it('glove game: one left glove, two right gloves → (2/3, 1/6, 1/6) (textbook value)', () => {
    const v = (mask: number) => [mask & 1 && mask & 6 ? 1 : 0]
    const { phi } = shapleyValues(3, v)
    expect(phi[0][0]).toBeCloseTo(2 / 3, 15)
    expect(phi[1][0]).toBeCloseTo(1 / 6, 15)
    expect(phi[2][0]).toBeCloseTo(1 / 6, 15)
  })

  it('additive game: each player gets exactly its own term', () => {
    const a = [0.3, -1.2, 2.5, 0]
    const { phi } = shapleyValues(4, (mask) => [members(mask, 4).reduce((s, i) => s + a[i], 0)])
    phi.forEach((p, i) => expect(p[0]).toBeCloseTo(a[i], 14))
  })

  it('matches the permutation definition on a random non-additive 8-player game, and is efficient', () => {
    let seed = 42
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1
    const table = Array.from({ length: 256 }, () => rand())
    table[0] = 0.1
    const v = (mask: number) => table[mask]
    const { phi, evaluations } = shapleyValues(8, (mask) => [v(mask)])
    const ref = byPermutations(8, v)
    phi.forEach((p, i) => expect(Math.abs(p[0] - ref[i])).toBeLessThan(1e-12))
    expect(Math.abs(phi.reduce((s, p) => s + p[0], 0) - (table[255] - table[0]))).toBeLessThan(1e-12)
    expect(evaluations).toBe(256)
  })

  it('symmetry and dummy axioms hold exactly on a constructed game', () => {
    // players 0 and 1 are interchangeable, player 2 never changes v
    const v = (mask: number) => {
      const k = (mask & 1) + ((mask >> 1) & 1)
      return [Math.exp(k) + (mask & 8 ? 0.5 * k : 0)]
    }
    const { phi } = shapleyValues(4, v)
    expect(phi[0][0]).toBe(phi[1][0])
    expect(phi[2][0]).toBe(0)
  })

  it('calls the value function once per coalition and rejects silly sizes', () => {
    let calls = 0
    shapleyValues(5, () => {
      calls++
      return [1]
    })
    expect(calls).toBe(32)
    expect(() => shapleyValues(0, () => [1])).toThrow(/players/)
    expect(() => shapleyValues(17, () => [1])).toThrow(/players/)
  })
})
