-- Take (or renew) the lease to send one digest, unless it was sent or another worker holds it.
--
-- KEYS: 1 sent markers set, 2 lease, 3 progress
-- ARGV: 1 sent marker "<week>:<recipient>", 2 holder, 3 lease (ms)
-- Returns -1 when already sent, -2 when another holder's lease is alive, else the parts sent.

if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return -1 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then return -2 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return tonumber(redis.call('GET', KEYS[3]) or '0')
