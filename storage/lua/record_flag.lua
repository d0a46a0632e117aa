-- Record one anonymous flag atomically.
-- KEYS[1] set of salt epochs of the week, KEYS[2] HyperLogLog of the flag's kind in this epoch,
-- KEYS[3] HyperLogLog of members who left a text in this epoch, KEYS[4] sorted set of texts,
-- and for a flag naming an app: KEYS[5] HyperLogLog of the app in this epoch, KEYS[6] set of
-- the week's flagged app names.
-- ARGV: epoch, kind token, text token, text entry ("" for none), expiry (unix seconds, the same
-- for every flag of the week), most texts kept, app token, app name.
-- Returns {counted, text_kept}. A member's second flag of one kind in one week changes nothing,
-- so nothing at all is written for it.
-- Each HyperLogLog changed is counted at once (PFCOUNT): a PFADD marks the cached count in the
-- value's header stale until the next count, and that mark, kept in the rewritten append-only
-- file next to the time it was written, would tell which kind, text and app came last.
local function add(key, token)
  local added = redis.call('PFADD', key, token)
  if added == 1 then
    redis.call('PFCOUNT', key)
  end
  return added
end
local counted = add(KEYS[2], ARGV[2])
if counted == 0 then
  return {0, 0}
end
redis.call('SADD', KEYS[1], ARGV[1])
local kept = 0
if ARGV[4] ~= '' and redis.call('ZCARD', KEYS[4]) < tonumber(ARGV[6]) then
  if add(KEYS[3], ARGV[3]) == 1 then
    -- Every text scores 0 and starts with a random nonce: the set orders texts by the nonce,
    -- never by arrival.
    redis.call('ZADD', KEYS[4], 0, ARGV[4])
    kept = 1
  end
end
if #KEYS >= 6 then
  add(KEYS[5], ARGV[7])
  redis.call('SADD', KEYS[6], ARGV[8])
end
-- An expiry already past (a demo or test clock set in the past) would delete the flag at once;
-- such keys are left without one instead. Live clocks always give a future expiry.
-- Only a key without an expiry gets one: setting it again would be logged (AOF, replicas) even
-- when the flag changed nothing, and so tell that this flagger had flagged the same way before.
local expire_at = tonumber(ARGV[5])
if expire_at > tonumber(redis.call('TIME')[1]) then
  for i = 1, #KEYS do
    if redis.call('TTL', KEYS[i]) == -1 then
      redis.call('EXPIREAT', KEYS[i], expire_at)
    end
  end
end
return {1, kept}
