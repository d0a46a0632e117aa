-- Read what a roll-up needs of one group in one call (all keys share the group's hash tag).
--
-- KEYS: 1 counters of the roll-up week, 2 its flags hash, 3 its flag-members HyperLogLog,
--       4.. counters of each trend week
-- ARGV: the headline counter fields read from each trend week
-- Returns {counters (flat field/value list), flags (flat list), flag members,
--          then one list of headline values per trend week (false where absent)}

local reply = {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('PFCOUNT', KEYS[3]),
}
for i = 4, #KEYS do
  reply[#reply + 1] = redis.call('HMGET', KEYS[i], unpack(ARGV))
end
return reply
