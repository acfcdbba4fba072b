/**
 * The market variant's memo of inversions (#23): λ̂, μ̂ of each set of past prices at each ρ bin asked so far,
 * carried from fit to fit through `ctx.previous`. A walk-forward inverts each price once per ρ bin it visits,
 * and an inversion at a new bin starts from the answer at the nearest bin asked, moved along its tangent in ρ:
 * one Newton step closer than that answer itself.
 *
 * Flat storage: each set of prices gets a slot (by the prices as text, so two match objects with the same
 * prices share it), and each ρ bin a typed array of {@link VALUES} numbers per slot. A cold fit inverts ~1,100
 * prices at two bins; with a Map per prices holding a 6-element array per bin (and a WeakMap from each match
 * object to it), the book-keeping cost about a third of the inversions' own time (1.0 ms against 3.1 ms for
 * the same 2,280 inversions timed directly, in one process).
 */
import type { VariantMatch } from '../types'
import { ETA1, ETA2, impliedRatesInto, LAMBDA, MU, SLOPE1, SLOPE2 } from './impliedRates'

/** Step of the ρ grid the market is inverted on. */
export const RHO_STEP = 0.0025

/** Sets of prices kept before the memo starts afresh. */
const CACHE_LIMIT = 200_000
/**
 * Cells of room (a slot at a bin: {@link VALUES} numbers and its order, 56 bytes) kept before the memo starts
 * afresh: ~59 MB. A season's walk-forward of one league uses ~2,048 slots × ~34 bins (4 MB).
 */
const CELLS_LIMIT = 1 << 20

/** Largest move along the ρ tangent trusted for a start, in log λ and log μ (beyond it: the answer itself). */
const MAX_TANGENT_MOVE = 0.1

/**
 * λ̂, μ̂ of a match's market at one ρ, with ∂log λ̂/∂ρ and ∂log μ̂/∂ρ (`ImpliedRates.rhoSlope`) and log λ̂, log μ̂:
 * the inversion at another ρ starts from the answer moved along that tangent.
 */
export type MarketRates = readonly [
  lambda: number,
  mu: number,
  slopeLambda: number,
  slopeMu: number,
  logLambda: number,
  logMu: number,
]

/** Numbers kept per inversion, in the {@link MarketRates} order (λ̂ NaN: the market could not be inverted). */
export const VALUES = 6

/** The inversions at one ρ bin: {@link VALUES} numbers per slot, and when each slot was asked (0: not yet). */
export interface RhoBin {
  rho: number
  values: Float64Array
  /** The order in which the slot was asked at this bin, counted over the whole memo; 0: not asked. */
  asked: Float64Array
}

export interface InversionCache {
  /** The slot of each set of prices asked so far, keyed by the prices as text. */
  slots: Map<string, number>
  /** Every ρ bin asked so far, keyed by ρ, in the order first asked. */
  bins: Map<number, RhoBin>
  /** The same bins in a list (the start of a new inversion scans them: no iterator per scan). */
  binList: RhoBin[]
  /** Slots each bin has room for (grows by doubling). */
  capacity: number
  /** Inversions asked so far: the order of the latest. */
  count: number
}

export function newInversionCache(): InversionCache {
  return { slots: new Map(), bins: new Map(), binList: [], capacity: 0, count: 0 }
}

export const isInversionCache = (c: unknown): c is InversionCache =>
  !!c &&
  (c as InversionCache).slots instanceof Map &&
  (c as InversionCache).bins instanceof Map &&
  Array.isArray((c as InversionCache).binList)

/** The bin of ρ (a multiple of {@link RHO_STEP}, as the fit rounds it), created empty when new. */
export function binOf(cache: InversionCache, rho: number): RhoBin {
  let bin = cache.bins.get(rho)
  if (!bin) {
    bin = {
      rho,
      values: new Float64Array(VALUES * cache.capacity),
      asked: new Float64Array(cache.capacity),
    }
    cache.bins.set(rho, bin)
    cache.binList.push(bin)
  }
  return bin
}

/**
 * The prices as text (the key of `slots`), memoised per match object: a cold fit (a fresh memo) would
 * otherwise format four doubles for every match. Match objects are taken as immutable (the walk-forward hands
 * the same objects to every refit).
 */
const keyOfMatch = new WeakMap<object, string>()

/** The slot of `m`'s prices in `cache` (a new one when they are new); −1 when the match has no market. */
export function slotOf(cache: InversionCache, m: VariantMatch): number {
  const p = m.market
  if (!p) return -1
  let key = keyOfMatch.get(m)
  if (key === undefined) {
    key = `${p[0]}|${p[1]}|${p[2]}|${typeof m.marketOver25 === 'number' ? m.marketOver25 : null}`
    keyOfMatch.set(m, key)
  }
  let slot = cache.slots.get(key)
  if (slot === undefined) {
    slot = cache.slots.size
    cache.slots.set(key, slot)
    if (slot >= cache.capacity) grow(cache, Math.max(1024, 2 * cache.capacity))
  }
  return slot
}

/**
 * Start the memo afresh once it holds {@link CACHE_LIMIT} sets of prices (every slot forgotten, the bins' arrays
 * kept for the slots numbered anew) or its bins hold more than {@link CELLS_LIMIT} cells of room (everything
 * forgotten). Called between fits, never inside one: a fit keeps its rows' slots from round to round.
 */
export function trimInversionCache(cache: InversionCache): void {
  if (cache.binList.length * cache.capacity > CELLS_LIMIT) {
    cache.slots.clear()
    cache.bins.clear()
    cache.binList.length = 0
    cache.capacity = 0
    return
  }
  if (cache.slots.size < CACHE_LIMIT) return
  cache.slots.clear()
  for (const bin of cache.bins.values()) bin.asked.fill(0)
}

function grow(cache: InversionCache, capacity: number): void {
  for (const bin of cache.bins.values()) {
    const values = new Float64Array(VALUES * capacity)
    values.set(bin.values)
    bin.values = values
    const asked = new Float64Array(capacity)
    asked.set(bin.asked)
    bin.asked = asked
  }
  cache.capacity = capacity
}

/**
 * The inversion of `m`'s market (its slot, from {@link slotOf}) at `bin`, done unless it is memoised already:
 * `bin.values[VALUES·slot ..]` then holds λ̂, μ̂, … (λ̂ NaN: no inversion). The start of a new inversion: the
 * answer at a neighbouring bin on the grid (the one below first), else at the nearest bin asked (the earliest
 * asked on a tie), moved along its tangent in ρ.
 */
export function invertAt(m: VariantMatch, slot: number, bin: RhoBin, cache: InversionCache): void {
  if (bin.asked.length <= slot) throw new Error('invertAt: the bin is not in this memo')
  if (bin.asked[slot] !== 0) return
  const rho = bin.rho
  const near = startBin(cache, slot, rho)
  let start1 = NaN
  let start2 = NaN
  if (near) {
    const v = near.values
    const i = VALUES * slot
    const move1 = v[i + 2] * (rho - near.rho)
    const move2 = v[i + 3] * (rho - near.rho)
    const tangent = Math.abs(move1) <= MAX_TANGENT_MOVE && Math.abs(move2) <= MAX_TANGENT_MOVE
    start1 = tangent ? v[i + 4] + move1 : v[i + 4]
    start2 = tangent ? v[i + 5] + move2 : v[i + 5]
  }
  const over = typeof m.marketOver25 === 'number' ? m.marketOver25 : null
  const a = impliedRatesInto(m.market!, over, rho, start1, start2)
  const out = bin.values
  const i = VALUES * slot
  if (a) {
    out[i] = a[LAMBDA]
    out[i + 1] = a[MU]
    out[i + 2] = a[SLOPE1]
    out[i + 3] = a[SLOPE2]
    out[i + 4] = a[ETA1]
    out[i + 5] = a[ETA2]
  } else out[i] = NaN
  bin.asked[slot] = ++cache.count
}

/** The bin whose answer for `slot` starts the inversion at ρ (see {@link invertAt}); null: none. */
function startBin(cache: InversionCache, slot: number, rho: number): RhoBin | null {
  const k = Math.round(rho / RHO_STEP)
  if (rho === k * RHO_STEP) {
    const below = cache.bins.get((k - 1) * RHO_STEP)
    if (below && answered(below, slot)) return below
    const above = cache.bins.get((k + 1) * RHO_STEP)
    if (above && answered(above, slot)) return above
  }
  let near: RhoBin | null = null
  for (let j = 0; j < cache.binList.length; j++) {
    const b = cache.binList[j]
    if (b.rho === rho || !answered(b, slot)) continue
    const d = Math.abs(b.rho - rho)
    const dNear = near ? Math.abs(near.rho - rho) : Infinity
    if (d < dNear || (d === dNear && b.asked[slot] < near!.asked[slot])) near = b
  }
  return near
}

/** True when `bin` holds an answer for `slot` (asked, and the market could be inverted). */
function answered(bin: RhoBin, slot: number): boolean {
  return bin.asked[slot] !== 0 && !Number.isNaN(bin.values[VALUES * slot])
}

/** Market-implied λ̂, μ̂ for one match at ρ (memoised in `cache`); null when the match has no usable market. */
export function marketRates(m: VariantMatch, rho: number, cache: InversionCache): MarketRates | null {
  trimInversionCache(cache)
  const slot = slotOf(cache, m)
  if (slot < 0) return null
  const bin = binOf(cache, rho)
  invertAt(m, slot, bin, cache)
  const i = VALUES * slot
  const v = bin.values
  if (Number.isNaN(v[i])) return null
  return [v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5]]
}

/** How many ρ bins the prices of `key` (as `slots` keys them) were inverted at. */
export function binsAsked(cache: InversionCache, key: string): number {
  const slot = cache.slots.get(key)
  if (slot === undefined) return 0
  let n = 0
  for (const b of cache.bins.values()) if (b.asked[slot] !== 0) n++
  return n
}
