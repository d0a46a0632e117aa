-- Count one message into its group-week, exactly once (the counting is ingest_core.lua's).
--
-- KEYS: 1 week counters, 2 week seen, 3 week evidence, 4 group report subjects, 5 weeks index
-- ARGV: 1 message id, 2 counter tokens (space separated), 3 evidence line or "",
--       4 report subject or "", 5 sent at (unix s), 6 sender pseudonym or "",
--       7 repeat window (s), 8 evidence cap per label, 9 counters ttl (s), 10 evidence ttl (s),
--       11 week, 12 week score, 13 label codes of the evidence line,
--       14 version (the edit's unix time, 0 for the original)
-- Returns 0 for a duplicate or a stale version, 1 for a new message, 2 for a changed (edited) one.

local k = {counters = KEYS[1], seen = KEYS[2], evidence = KEYS[3], subjects = KEYS[4]}
local result = ingest_one(k, {
  id = ARGV[1], tokens = ARGV[2], evidence = ARGV[3], subject = ARGV[4],
  sent_at = tonumber(ARGV[5]), sender = ARGV[6], codes = ARGV[13],
  version = tonumber(ARGV[14]) or 0,
}, tonumber(ARGV[7]), tonumber(ARGV[8]))
if result ~= 0 then ingest_touch(k, KEYS[5], ARGV[9], ARGV[10], ARGV[11], ARGV[12]) end
return result
