-- Count a run of messages of one group-week, in order, each exactly once. The live bot's
-- ingest sends a run of one; the audit sends runs of up to 500, so one round trip and one
-- script start serve the whole run.
-- A redelivered message changes nothing; an edited one has its old contribution subtracted first.
-- Telegram may redeliver an older version after a newer one: the newest version always wins.
--
-- KEYS: 1 week counters, 2 week seen, 3 week evidence, 4 group report subjects, 5 weeks index,
--       and for the live bot's run of one, 6 the group's conversation state
-- ARGV: 1 repeat window (s), 2 evidence cap per label, 3 counters ttl (s), 4 evidence ttl (s),
--       5 week, 6 week score, then 3 per message:
--       "<message id>|<sent at, unix s>|<version>|<label codes of the evidence line>|<sender
--       pseudonym or ''>|<counter tokens, space separated>" (none of these holds a "|": the
--       seen records already use it to separate the sender and the tokens), the evidence line
--       or "", the report subject or "" (free text: each an argument of its own);
--       with KEYS[6], then the group's next conversation state and its ttl (s), stored only
--       when the message is new (a redelivery or an edit leaves the context as it was), in
--       the same atomic step as its counts
-- Returns one result per message: 0 duplicate or stale version, 1 new, 2 changed (edited).

local function request_entries(value)
  local entries = {}
  for id, at, who in string.gmatch(value or '', '([^,;]+),([^,;]+),([^,;]*)') do
    entries[#entries + 1] = {id = id, at = tonumber(at), who = who}
  end
  return entries
end

local function store_entries(key, name, entries)
  local parts = {}
  local first = math.max(1, #entries - 7)
  for i = first, #entries do
    local e = entries[i]
    parts[#parts + 1] = e.id .. ',' .. e.at .. ',' .. e.who
  end
  if #parts == 0 then
    redis.call('HDEL', key, name)
  else
    redis.call('HSET', key, name, table.concat(parts, ';'))
  end
end

local function field(token, who)
  return (string.gsub(token, '~', who))
end

-- One message into its group-week: 0 duplicate or stale, 1 new, 2 changed. No expiry is set
-- here: the run sets them once (ingest_touch) when something was counted.
-- k: {counters = week counters, seen = week seen, evidence = week evidence,
--     subjects = group report subjects}
-- m: {id = message id, tokens = counter tokens (space separated), evidence = evidence line or
--     '', subject = report subject or '', sent_at = unix s, sender = pseudonym or '',
--     codes = label codes of the evidence line, version = the edit's unix time (0: original)}
-- window: repeat window (s); cap: evidence cap per label.
local function ingest_one(k, m, window, cap)
  local msg, subject, sent_at, sender = m.id, m.subject, m.sent_at, m.sender
  local subject_memory = window * 3
  local version = m.version

  -- The message's record in the seen hash: "v<version>:" (left out for 0) then its state.
  local old = redis.call('HGET', k.seen, msg)
  local old_version = 0
  if old then
    local v, rest = string.match(old, '^v(%d+):(.*)$')
    if v then old_version, old = tonumber(v), rest end
  end
  if old and version < old_version then return 0 end
  local function record(state)
    if version > 0 then return 'v' .. version .. ':' .. state end
    return state
  end

  -- The same message again (redelivered, or an edit that changes nothing counted): its repeat
  -- was decided when it first came, against the requests before it, which the subject may no
  -- longer remember (it keeps 8); deciding again, or remembering it again, would change both.
  if old then
    local old_sender, old_tokens, old_subject = string.match(old, '^([^|]*)|([^|]*)|(.*)$')
    local was = string.gsub(old_tokens, ' R$', '')
    if old_sender == sender and was == m.tokens and old_subject == subject then
      if version > old_version then redis.call('HSET', k.seen, msg, record(old)) end
      return 0
    end
  end

  local is_repeat = false
  if subject ~= '' then
    local kept = {}
    for _, e in ipairs(request_entries(redis.call('HGET', k.subjects, subject))) do
      if e.id ~= msg and sent_at - e.at <= subject_memory then
        kept[#kept + 1] = e
        local earlier = e.at < sent_at or (e.at == sent_at and tonumber(e.id) < tonumber(msg))
        local other_sender = sender ~= '' and e.who ~= '' and e.who ~= sender
        if earlier and (sent_at - e.at <= window or other_sender) then
          is_repeat = true
        end
      end
    end
    kept[#kept + 1] = {id = msg, at = sent_at, who = sender}
    store_entries(k.subjects, subject, kept)
  end

  -- A message's record: "<sender>|<tokens>|<subject>"; "~" in a token stands for the sender.
  local counted = m.tokens
  if is_repeat then counted = counted .. ' R' end
  local state = sender .. '|' .. counted .. '|' .. subject

  if old then
    local old_sender, old_tokens, old_subject = string.match(old, '^([^|]*)|([^|]*)|(.*)$')
    for token in string.gmatch(old_tokens, '%S+') do
      local name = field(token, old_sender)
      if redis.call('HINCRBY', k.counters, name, -1) <= 0 then
        redis.call('HDEL', k.counters, name)
      end
    end
    if old_subject ~= '' and old_subject ~= subject then
      local kept = {}
      for _, e in ipairs(request_entries(redis.call('HGET', k.subjects, old_subject))) do
        if e.id ~= msg then kept[#kept + 1] = e end
      end
      store_entries(k.subjects, old_subject, kept)
    end
    local old_evidence = redis.call('HGET', k.evidence, msg)
    if old_evidence then
      local codes = string.match(old_evidence, '^([^\t]*)')
      for code in string.gmatch(codes, '.') do
        if redis.call('HINCRBY', k.evidence, '#' .. code, -1) <= 0 then
          redis.call('HDEL', k.evidence, '#' .. code)
        end
      end
      redis.call('HDEL', k.evidence, msg)
    end
    redis.call('HDEL', k.evidence, 'R:' .. msg)
  end

  for token in string.gmatch(counted, '%S+') do
    redis.call('HINCRBY', k.counters, field(token, sender), 1)
  end
  redis.call('HSET', k.seen, msg, record(state))

  if m.evidence ~= '' then
    local room = false
    for code in string.gmatch(m.codes, '.') do
      if tonumber(redis.call('HGET', k.evidence, '#' .. code) or '0') < cap then room = true end
    end
    if room then
      redis.call('HSET', k.evidence, msg, m.evidence)
      for code in string.gmatch(m.codes, '.') do
        redis.call('HINCRBY', k.evidence, '#' .. code, 1)
      end
    end
  end
  if is_repeat then redis.call('HSET', k.evidence, 'R:' .. msg, subject) end

  if old then return 2 end
  return 1
end

-- Expiries and the weeks index, after a call that counted something.
local function ingest_touch(k, weeks_index, counters_ttl, evidence_ttl, week, week_score)
  redis.call('EXPIRE', k.counters, counters_ttl)
  redis.call('EXPIRE', k.seen, evidence_ttl)
  if redis.call('EXISTS', k.evidence) == 1 then redis.call('EXPIRE', k.evidence, evidence_ttl) end
  redis.call('EXPIRE', k.subjects, counters_ttl)
  redis.call('ZADD', weeks_index, week_score, week)
  redis.call('EXPIRE', weeks_index, counters_ttl)
end

local k = {counters = KEYS[1], seen = KEYS[2], evidence = KEYS[3], subjects = KEYS[4]}
local window, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local results = {}
local counted = false
local context_key = KEYS[6]
local last = #ARGV
if context_key then last = last - 2 end
for i = 7, last, 3 do
  local id, at, version, codes, sender, tokens =
    string.match(ARGV[i], '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  local result = ingest_one(k, {
    id = id, tokens = tokens, evidence = ARGV[i + 1], subject = ARGV[i + 2],
    sent_at = tonumber(at), sender = sender, codes = codes, version = tonumber(version) or 0,
  }, window, cap)
  results[#results + 1] = result
  if result ~= 0 then counted = true end
end
-- Once for the run: the same expiries and index entry for every message of it.
if counted then ingest_touch(k, KEYS[5], ARGV[3], ARGV[4], ARGV[5], ARGV[6]) end
if context_key and results[1] == 1 then
  redis.call('SET', context_key, ARGV[last + 1], 'EX', ARGV[last + 2])
end
return results
