-- Record how many parts of a digest were sent, and renew the lease, while we still hold it.
--
-- KEYS: 1 lease, 2 progress
-- ARGV: 1 holder, 2 parts sent, 3 lease (ms), 4 progress ttl (s)
-- Returns 1, or 0 when the lease was lost (expired and taken by another worker).

if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
