-- Mark a digest sent and drop its lease and progress; or, on failure, only give the lease up.
--
-- KEYS: 1 sent markers set, 2 lease, 3 progress
-- ARGV: 1 sent marker, 2 holder, 3 markers ttl (s), 4 "sent" or "failed"
-- A failed delivery keeps its progress, so whoever retries resumes after the parts that arrived.

if ARGV[4] == 'sent' then
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('DEL', KEYS[3])
end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1
