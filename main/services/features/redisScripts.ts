/**
 * Lua scripts of the Redis feature store. Each runs atomically on the server, so:
 * - `fsWrite` applies "an older event time than the stored one is ignored" per entity without a race;
 * - `fsActivate` checks the version is complete and switches the pointer in one step;
 * - `fsGet` / `fsLeague` resolve the pointer and read the entities in one step (and one round trip), so a
 *   reader never sees a mix of versions.
 *
 * Key layout (prefix `scoreline:fs:` by default):
 *   <p><view>@<v>:<league>:<entity>   hash: features + `_ts` (event time, ms) + `_exp` (expiry, ms)
 *   <p><view>:active                  string: the active version number
 *   <p>_idx:<view>@<v>:<league>       zset: entity -> expiry (ms); tells "expired" from "never written"
 *   <p>_leagues:<view>@<v>            set of leagues in the version
 *   <p>_registry:views                hash: view -> definition JSON
 *   <p>_registry:<view>@<v>           hash: version record (state, lineage JSON, times, writer)
 *   <p>_registry:<view>:versions      set of version numbers;  <p>_registry:<view>:seq  counter
 *   <p>_reports                       list of validation report JSON, newest first
 * Keys are built inside the scripts (numberOfKeys 0): fine on a single Redis, not on Redis Cluster.
 * Entities of `whileActive` views (team views) are stored with `_exp` = NO_EXPIRY and no key TTL; retiring
 * their version gives every key the grace period's end.
 */
import { NO_EXPIRY } from './featureStore'

/** ARGV: prefix, view, version, n, then per entity: league, entity, ts, expireAtMs, nfields, f1, v1, ... */
export const WRITE_SCRIPT = `
local NO_EXPIRY = ${NO_EXPIRY}
local p, view, ver = ARGV[1], ARGV[2], ARGV[3]
local n = tonumber(ARGV[4])
local base = p .. view .. '@' .. ver .. ':'
local idxBase = p .. '_idx:' .. view .. '@' .. ver .. ':'
local leagues = p .. '_leagues:' .. view .. '@' .. ver
local scores, counts, maxExp = {}, {}, {}
local res = {}
local i = 5
-- rows usually arrive grouped by league: keep the current league's index entries at hand
local curLeague, z, zn, zmax = nil, nil, 0, 0
for e = 1, n do
  local league, id, ts, exp = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local last = i + 4 + 2 * tonumber(ARGV[i + 4])
  local key = base .. league .. ':' .. id
  local cur = redis.call('HGET', key, '_ts')
  if cur and tonumber(cur) > tonumber(ts) then
    res[e] = 0
  else
    -- replace the whole entity, so a feature left out of this write does not linger from the last one
    if cur then redis.call('DEL', key) end
    -- the features straight from ARGV (unpack as the last argument expands in place: no table copy)
    redis.call('HSET', key, '_ts', ts, '_exp', exp, unpack(ARGV, i + 5, last))
    if tonumber(exp) < NO_EXPIRY then redis.call('PEXPIREAT', key, exp) end
    if league ~= curLeague then
      if curLeague then counts[curLeague], maxExp[curLeague] = zn, zmax end
      curLeague = league
      z = scores[league]
      if not z then
        z = {}
        scores[league] = z
        counts[league], maxExp[league] = 0, 0
      end
      zn, zmax = counts[league], maxExp[league]
    end
    z[zn + 1] = exp
    z[zn + 2] = id
    zn = zn + 2
    local expn = tonumber(exp)
    if expn > zmax then zmax = expn end
    res[e] = 1
  end
  i = last + 1
end
if curLeague then counts[curLeague], maxExp[curLeague] = zn, zmax end
for league, z in pairs(scores) do
  local idx = idxBase .. league
  local count = counts[league]
  for s = 1, count, 1000 do
    redis.call('ZADD', idx, unpack(z, s, math.min(s + 999, count)))
  end
  redis.call('SADD', leagues, league)
  -- the index outlives its entities by a week so an expired entity reads as "expired", not "missing"
  -- (entities without expiry: the index and the league set keep none either)
  if maxExp[league] >= NO_EXPIRY then
    redis.call('PERSIST', idx)
    redis.call('PERSIST', leagues)
  else
    local keep = maxExp[league] + 604800000
    local cur = redis.call('PEXPIRETIME', idx)
    if cur < 0 or cur < keep then redis.call('PEXPIREAT', idx, keep) end
    local lcur = redis.call('PEXPIRETIME', leagues)
    if lcur < 0 or lcur < keep then redis.call('PEXPIREAT', leagues, keep) end
  end
end
return res
`

/** ARGV: prefix, view, version|'' (explicit), now, createdBy, lineageJson. Returns the version. */
export const CREATE_SCRIPT = `
local p, view, explicit, now, by, lineage = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local seq = p .. '_registry:' .. view .. ':seq'
local v
if explicit ~= '' then
  v = tonumber(explicit)
  local cur = tonumber(redis.call('GET', seq) or '0')
  if v > cur then redis.call('SET', seq, v) end
else
  v = redis.call('INCR', seq)
end
local reg = p .. '_registry:' .. view .. '@' .. v
if redis.call('EXISTS', reg) == 1 then return redis.error_reply('VERSION_EXISTS') end
redis.call('HSET', reg, 'state', 'writing', 'lineage', lineage, 'createdAt', now, 'createdBy', by)
redis.call('SADD', p .. '_registry:' .. view .. ':versions', v)
return v
`

/**
 * ARGV: prefix, now, graceMs, n, then n pairs of view, version: the views of one rebuild (or one view).
 * Every version is checked first (an error reply switches nothing), then every pointer moves: one
 * script, so Redis applies all of it or none of it. Returns, per pair, { previous active version or '',
 * the activated version's state before the switch }. Expiries are adjusted afterwards by RETIRE_SCRIPT
 * (per league, to keep scripts short); `capPending` / `restorePending` mark that work until it is done, so
 * a connection lost in between is finished by the next createVersion or switch of the view.
 */
export const ACTIVATE_SCRIPT = `
local p, now, grace, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local states = {}
for i = 1, n do
  local view, ver = ARGV[3 + 2 * i], ARGV[4 + 2 * i]
  local state = redis.call('HGET', p .. '_registry:' .. view .. '@' .. ver, 'state')
  if not state then return redis.error_reply('UNKNOWN_VERSION ' .. view .. '@' .. ver) end
  if state == 'writing' then return redis.error_reply('VERSION_NOT_READY ' .. view .. '@' .. ver) end
  if state == 'retired' then
    local exp = tonumber(redis.call('HGET', p .. '_registry:' .. view .. '@' .. ver, 'expiresAt') or '0')
    if exp <= now then return redis.error_reply('VERSION_EXPIRED ' .. view .. '@' .. ver) end
  end
  states[i] = state
end
local out = {}
for i = 1, n do
  local view, ver = ARGV[3 + 2 * i], ARGV[4 + 2 * i]
  local reg = p .. '_registry:' .. view .. '@' .. ver
  local pointer = p .. view .. ':active'
  local old = redis.call('GET', pointer)
  if old ~= ver then
    redis.call('SET', pointer, ver)
    redis.call('HSET', reg, 'state', 'active', 'activatedAt', now)
    redis.call('HDEL', reg, 'retiredAt', 'expiresAt', 'capPending')
    if states[i] == 'retired' then redis.call('HSET', reg, 'restorePending', '1') end
    if old then
      redis.call('HSET', p .. '_registry:' .. view .. '@' .. old, 'state', 'retired', 'retiredAt', now,
        'expiresAt', now + grace, 'capPending', '1')
      redis.call('HDEL', p .. '_registry:' .. view .. '@' .. old, 'restorePending')
    end
  end
  out[2 * i - 1] = old or ''
  out[2 * i] = states[i]
end
return out
`

/**
 * ARGV: prefix, view, version, league, until (ms) or '' to restore. Retiring caps the expiry of every
 * entity of the league at `until`; restoring (a retired version re-activated within its grace) puts back
 * each entity's natural expiry (kept as its score in the index). One call per league keeps each script
 * short, so Redis is never blocked for a whole version. Returns the latest natural expiry.
 */
export const RETIRE_SCRIPT = `
local NO_EXPIRY = ${NO_EXPIRY}
local p, view, ver, league, untilMs = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local idx = p .. '_idx:' .. view .. '@' .. ver .. ':' .. league
local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
local cap = false
if untilMs ~= '' then cap = tonumber(untilMs) end
local maxExp = 0
for j = 1, #members, 2 do
  local key = p .. view .. '@' .. ver .. ':' .. league .. ':' .. members[j]
  local natural = tonumber(members[j + 1])
  if natural > maxExp then maxExp = natural end
  local at = natural
  if cap and cap < natural then at = cap end
  if at >= NO_EXPIRY then redis.call('PERSIST', key) else redis.call('PEXPIREAT', key, at) end
end
if cap then redis.call('PEXPIREAT', idx, cap)
elseif maxExp >= NO_EXPIRY then redis.call('PERSIST', idx)
else redis.call('PEXPIREAT', idx, maxExp + 604800000) end
return maxExp
`

/** ARGV: prefix, view, league, entity. Returns {} (no active version) or {version, hash, idxScore|nil}. */
export const GET_SCRIPT = `
local p, view, league, entity = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local v = redis.call('GET', p .. view .. ':active')
if not v then return {} end
local h = redis.call('HGETALL', p .. view .. '@' .. v .. ':' .. league .. ':' .. entity)
local s = false
if #h == 0 then s = redis.call('ZSCORE', p .. '_idx:' .. view .. '@' .. v .. ':' .. league, entity) end
return { v, h, s }
`

/** ARGV: prefix, view, league. Returns {} or {version, entity1, expiry1, hash1, entity2, ...}. */
export const LEAGUE_SCRIPT = `
local p, view, league = ARGV[1], ARGV[2], ARGV[3]
local v = redis.call('GET', p .. view .. ':active')
if not v then return {} end
local base = p .. view .. '@' .. v .. ':' .. league .. ':'
local members = redis.call('ZRANGE', p .. '_idx:' .. view .. '@' .. v .. ':' .. league, 0, -1, 'WITHSCORES')
local out = { v }
for j = 1, #members, 2 do
  out[#out + 1] = members[j]
  out[#out + 1] = members[j + 1]
  out[#out + 1] = redis.call('HGETALL', base .. members[j])
end
return out
`

/** ARGV: prefix, view, version, now. Sum of live entities over the version's leagues. */
export const COUNT_SCRIPT = `
local p, view, ver, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local leagues = redis.call('SMEMBERS', p .. '_leagues:' .. view .. '@' .. ver)
local n = 0
for _, league in ipairs(leagues) do
  n = n + redis.call('ZCOUNT', p .. '_idx:' .. view .. '@' .. ver .. ':' .. league, '(' .. now, '+inf')
end
return n
`
