-- Count a run of messages of one group-week, in order, each exactly once: the same counting as
-- one ingest.lua call per message (ingest_core.lua), in one call, so one round trip and one
-- script start serve the whole run.
--
-- KEYS: 1 week counters, 2 week seen, 3 week evidence, 4 group report subjects, 5 weeks index
-- ARGV: 1 repeat window (s), 2 evidence cap per label, 3 counters ttl (s), 4 evidence ttl (s),
--       5 week, 6 week score, then 3 per message:
--       "<message id>|<sent at, unix s>|<version>|<label codes of the evidence line>|<sender
--       pseudonym or ''>|<counter tokens, space separated>" (none of these holds a "|": the
--       seen records already use it to separate the sender and the tokens), the evidence line
--       or "", the report subject or "" (free text: each an argument of its own)
-- Returns one result per message, as ingest.lua's: 0 duplicate or stale, 1 new, 2 changed.

local k = {counters = KEYS[1], seen = KEYS[2], evidence = KEYS[3], subjects = KEYS[4]}
local window, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local results = {}
local counted = false
for i = 7, #ARGV, 3 do
  local id, at, version, codes, sender, tokens =
    string.match(ARGV[i], '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  local result = ingest_one(k, {
    id = id, tokens = tokens, evidence = ARGV[i + 1], subject = ARGV[i + 2],
    sent_at = tonumber(at), sender = sender, codes = codes, version = tonumber(version) or 0,
  }, window, cap)
  results[#results + 1] = result
  if result ~= 0 then counted = true end
end
-- Once for the run: each message's call would have set the same expiries and index entry.
if counted then ingest_touch(k, KEYS[5], ARGV[3], ARGV[4], ARGV[5], ARGV[6]) end
return results
