-- Record how many parts of a digest were sent, and renew the lease, unless it was lost.
--
-- KEYS: 1 sent markers set, 2 lease, 3 progress
-- ARGV: 1 holder, 2 parts sent, 3 lease (ms), 4 progress ttl (s), 5 sent marker
-- Returns 1, or 0 when the lease was lost: another holder has it, or the digest was sent.
-- A lease that lapsed while a send waited on Telegram's pacing, with nobody taking it over, is
-- still ours: refusing the record would have the part sent again by whoever resumes.
-- Progress only moves forward, so a late record never undoes another holder's.

if redis.call('SISMEMBER', KEYS[1], ARGV[5]) == 1 then return 0 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
local recorded = tonumber(redis.call('GET', KEYS[3]) or '0')
if tonumber(ARGV[2]) > recorded then recorded = tonumber(ARGV[2]) end
redis.call('SET', KEYS[3], recorded, 'EX', ARGV[4])
return 1
