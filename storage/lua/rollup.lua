-- Read what a roll-up needs of one group in one call (all keys share the group's hash tag).
--
-- KEYS: 1 counters of the roll-up week, 2.. counters of each trend week
-- ARGV: the headline counter fields read from each trend week
-- Returns {counters (flat field/value list, see below),
--          then one list of headline values per trend week (false where absent)}
-- Anonymous flags are read apart (``RedisStore._flag_counts``), only for groups that have any.

-- The roll-up week's counters without the fields a roll-up never reads (hour of week "h",
-- senders by label "s", demand senders "S"): they are most of a busy week's fields.
local counters = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local kind = string.sub(all[i], 1, 1)
  if kind ~= 'h' and kind ~= 's' and kind ~= 'S' then
    counters[#counters + 1] = all[i]
    counters[#counters + 1] = all[i + 1]
  end
end

local reply = {counters}
for i = 2, #KEYS do
  reply[#reply + 1] = redis.call('HMGET', KEYS[i], unpack(ARGV))
end
return reply
