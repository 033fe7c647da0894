/**
 * The waiting room's atomic steps. Each script touches the keys of one concert only (one hash
 * slot) and reads the clock from Redis (TIME), so every replica sees the same clock and the same
 * 1-second admission windows. Key order everywhere: waiting, active, seen, admittedAt, policy,
 * stats, activeSeen (an active fan's last sign of life: a poll, a hold, a payment)[, seq].
 */

export const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function read_policy(key, d_aps, d_max, d_ttl)
  local p = redis.call('HMGET', key, 'admitPerSecond', 'maxActive', 'activeTtlSeconds')
  return tonumber(p[1]) or tonumber(d_aps), tonumber(p[2]) or tonumber(d_max), tonumber(p[3]) or tonumber(d_ttl)
end

-- The admission rule lives here alone; test/lua-budget.test.ts runs these functions in Redis on
-- a table of cases.

-- The measured admission rate (for the ETA) is an exponentially weighted average over windows
-- in which someone was left waiting: windows without a backlog measure demand, not throughput.
local function next_rate(old, admitted)
  if old then return 0.7 * old + 0.3 * admitted end
  return admitted
end

-- What one tick admits: bounded by the window's budget, the free active slots, the line and the batch.
local function admit_count(budget, max_active, active, waiting, max_batch)
  return math.max(0, math.min(budget, max_active - active, waiting, max_batch))
end

-- Rolls the 1-second window (recording the measured rate of a backlogged window) and returns
-- how many may still be admitted now. The per-second budget is spread over the ticks of the
-- second (rounded up, so 1/s still admits on the first tick), so one tick never lets a whole
-- second's budget in at once.
local function window_budget(stats, now, aps, tick_ms)
  local win = math.floor(now / 1000)
  local s = redis.call('HMGET', stats, 'win', 'winAdmitted', 'winBacklog', 'rate')
  local admitted = tonumber(s[2]) or 0
  if tonumber(s[1]) ~= win then
    if s[3] == '1' then
      redis.call('HSET', stats, 'rate', tostring(next_rate(tonumber(s[4]), admitted)))
    end
    redis.call('HSET', stats, 'win', win, 'winAdmitted', 0, 'winBacklog', 0)
    admitted = 0
  end
  local elapsed = math.min(1000, now - win * 1000 + tick_ms)
  local cap = math.min(aps, math.ceil(aps * elapsed / 1000))
  return math.max(0, cap - admitted)
end

local function admit(active, admitted_at, active_seen, member, now, ttl)
  redis.call('ZADD', active, now + ttl * 1000, member)
  redis.call('HSET', admitted_at, member, now)
  redis.call('ZADD', active_seen, now, member)
end

local function drop_active(active, admitted_at, active_seen, members)
  redis.call('ZREM', active, unpack(members))
  redis.call('HDEL', admitted_at, unpack(members))
  redis.call('ZREM', active_seen, unpack(members))
end

local function count_admitted(stats, n)
  redis.call('HINCRBY', stats, 'winAdmitted', n)
  redis.call('HINCRBY', stats, 'admittedTotal', n)
end

-- Drops active members whose expiry has passed (bounded per call); returns how many.
local function prune_active(active, admitted_at, active_seen, now)
  local gone = redis.call('ZRANGEBYSCORE', active, '-inf', now, 'LIMIT', 0, 1000)
  if #gone > 0 then drop_active(active, admitted_at, active_seen, gone) end
  return #gone
end

-- {status, position, activeUntil, created, aps, maxActive, ttl, activeCount, rate, pruned}
local function entry(status, position, active_until, created, aps, max_active, ttl, active, stats, pruned)
  local rate = redis.call('HGET', stats, 'rate') or ''
  return {status, position, active_until, created, aps, max_active, ttl, redis.call('ZCARD', active), rate, pruned}
end
`;

/**
 * KEYS waiting, active, seen, admittedAt, policy, stats, activeSeen, seq
 * ARGV userId, defaultAps, defaultMaxActive, defaultTtl, tickMs
 * One place per user: an ACTIVE or WAITING user gets their place back (created 0). A new arrival
 * is admitted at once only when nobody waits and both limits allow it (the tick's rule), else
 * goes to the back with the next sequence number.
 * Returns the entry plus an 11th field, wentLive: 1 when this call made an empty concert (no
 * waiting and no active member, as IS_LIVE counts them) non-empty. Only then may the concert be
 * missing from the ticker's set (see forgetIfEmpty), so only then must the caller add it.
 */
export const ENQUEUE = `${PRELUDE}
local waiting, active, seen, admitted_at, policy, stats, active_seen, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local user = ARGV[1]
local now = now_ms()
local aps, max_active, ttl = read_policy(policy, ARGV[2], ARGV[3], ARGV[4])
local pruned = 0

local expiry = tonumber(redis.call('ZSCORE', active, user))
if expiry then
  if expiry > now then
    redis.call('ZADD', active_seen, now, user)
    local r = entry('ACTIVE', 0, expiry, 0, aps, max_active, ttl, active, stats, 0)
    r[11] = 0
    return r
  end
  drop_active(active, admitted_at, active_seen, {user})
  pruned = 1
end

local rank = redis.call('ZRANK', waiting, user)
if rank then
  redis.call('ZADD', seen, now, user)
  local r = entry('WAITING', rank + 1, 0, 0, aps, max_active, ttl, active, stats, pruned)
  r[11] = 0
  return r
end

local went_live = 0
if redis.call('ZCARD', waiting) == 0 then
  pruned = pruned + prune_active(active, admitted_at, active_seen, now)
  local active_count = redis.call('ZCARD', active)
  if active_count == 0 then went_live = 1 end
  if active_count < max_active and window_budget(stats, now, aps, tonumber(ARGV[5])) > 0 then
    admit(active, admitted_at, active_seen, user, now, ttl)
    count_admitted(stats, 1)
    local r = entry('ACTIVE', 0, now + ttl * 1000, 1, aps, max_active, ttl, active, stats, pruned)
    r[11] = went_live
    return r
  end
end

redis.call('ZADD', waiting, redis.call('INCR', seq), user)
redis.call('ZADD', seen, now, user)
local r = entry('WAITING', redis.call('ZCARD', waiting), 0, 1, aps, max_active, ttl, active, stats, pruned)
r[11] = went_live
return r
`;

/**
 * KEYS waiting, active, seen, admittedAt, policy, stats, activeSeen
 * ARGV userId, defaultAps, defaultMaxActive, defaultTtl
 * A poll (or the gateway checking admission for a hold or payment): reports the state and
 * refreshes the user's last-seen time, waiting or active.
 */
export const STATUS = `${PRELUDE}
local waiting, active, seen, admitted_at, policy, stats, active_seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local user = ARGV[1]
local now = now_ms()
local aps, max_active, ttl = read_policy(policy, ARGV[2], ARGV[3], ARGV[4])

local expiry = tonumber(redis.call('ZSCORE', active, user))
if expiry then
  if expiry > now then
    redis.call('ZADD', active_seen, now, user)
    return entry('ACTIVE', 0, expiry, 0, aps, max_active, ttl, active, stats, 0)
  end
  drop_active(active, admitted_at, active_seen, {user})
  return entry('EXPIRED', 0, 0, 0, aps, max_active, ttl, active, stats, 1)
end

local rank = redis.call('ZRANK', waiting, user)
if rank then
  redis.call('ZADD', seen, now, user)
  return entry('WAITING', rank + 1, 0, 0, aps, max_active, ttl, active, stats, 0)
end
return entry('EXPIRED', 0, 0, 0, aps, max_active, ttl, active, stats, 0)
`;

/**
 * KEYS waiting, active, seen, admittedAt, policy, stats, activeSeen
 * ARGV defaultAps, defaultMaxActive, defaultTtl, tickMs, idleMs, maxBatch, activeIdleMs (0 = off)
 * One admission tick: prune expired actives, release active slots of fans who went quiet, evict
 * waiting users who stopped polling, then admit from the head of the line within the window
 * budget and the free slots.
 * Returns {expired, evicted, admitted, waiting, active, released}.
 */
export const TICK = `${PRELUDE}
local waiting, active, seen, admitted_at, policy, stats, active_seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local now = now_ms()
local aps, max_active, ttl = read_policy(policy, ARGV[1], ARGV[2], ARGV[3])

local expired = prune_active(active, admitted_at, active_seen, now)

local released = 0
local active_idle_ms = tonumber(ARGV[7]) or 0
if active_idle_ms > 0 then
  local quiet = redis.call('ZRANGEBYSCORE', active_seen, '-inf', now - active_idle_ms, 'LIMIT', 0, 1000)
  if #quiet > 0 then drop_active(active, admitted_at, active_seen, quiet) end
  released = #quiet
end

local stale = redis.call('ZRANGEBYSCORE', seen, '-inf', now - tonumber(ARGV[5]), 'LIMIT', 0, 1000)
if #stale > 0 then
  redis.call('ZREM', waiting, unpack(stale))
  redis.call('ZREM', seen, unpack(stale))
end

local budget = window_budget(stats, now, aps, tonumber(ARGV[4]))
local n = admit_count(budget, max_active, redis.call('ZCARD', active), redis.call('ZCARD', waiting), tonumber(ARGV[6]))
local admitted = 0
if n > 0 then
  local popped = redis.call('ZPOPMIN', waiting, n)
  for i = 1, #popped, 2 do
    admit(active, admitted_at, active_seen, popped[i], now, ttl)
    redis.call('ZREM', seen, popped[i])
    admitted = admitted + 1
  end
  if admitted > 0 then count_admitted(stats, admitted) end
end

local left = redis.call('ZCARD', waiting)
if left > 0 then redis.call('HSET', stats, 'winBacklog', 1) end
return {expired, #stale, admitted, left, redis.call('ZCARD', active), released}
`;

/** KEYS waiting, active, seen, admittedAt, activeSeen. ARGV userId. Leaves the queue, whatever the state. */
export const LEAVE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return removed
`;

/**
 * KEYS active, admittedAt, activeSeen. ARGV userId, notAfterMs ('' = unconditional).
 * Ends an active slot. With notAfterMs (the payment time), a slot admitted after it is kept:
 * a redelivered payment-completed must not end the slot of a later visit.
 * Returns 1 removed, 0 not active, -1 kept (admitted after notAfterMs).
 */
export const COMPLETE = `
if ARGV[2] ~= '' then
  local at = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
  if at and at > tonumber(ARGV[2]) then return -1 end
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
`;

/**
 * KEYS waiting, active, policy, stats. ARGV defaultAps, defaultMaxActive, defaultTtl.
 * Returns {waiting, active (unexpired), admittedTotal, aps, maxActive, ttl}.
 */
export const STATS = `${PRELUDE}
local now = now_ms()
local aps, max_active, ttl = read_policy(KEYS[3], ARGV[1], ARGV[2], ARGV[3])
local total = tonumber(redis.call('HGET', KEYS[4], 'admittedTotal')) or 0
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf'), total, aps, max_active, ttl}
`;

/** KEYS waiting, active. Whether the concert still has anyone in its queue. */
export const IS_LIVE = `return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])`;
