-- Claim the welcome of one addition of the bot to a group: true once per addition.
--
-- KEYS: 1 the group's last welcomed addition ("<unix seconds>|<update id>")
-- ARGV: 1 the addition's time (unix seconds), 2 the id of the update that told of it
-- Returns 1 for a new addition, 0 for a redelivery or an addition older than the last welcomed.
-- An addition is new when it is later than the last welcomed one, or in the same second but
-- told by another update (the bot removed and added back within a second).

local last = redis.call('GET', KEYS[1])
if last then
  local at, update = string.match(last, '^(%-?%d+)|(%-?%d+)$')
  local now = tonumber(ARGV[1])
  if at and (tonumber(at) > now or (tonumber(at) == now and update == ARGV[2])) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
return 1
