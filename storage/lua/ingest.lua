-- Count a run of messages of one group-week, in order, each exactly once. The live bot's
-- ingest sends a run of one; the audit sends runs of up to 500, so one round trip and one
-- script start serve the whole run.
-- A redelivered message changes nothing; an edited one has its old contribution subtracted first.
-- Telegram may redeliver an older version after a newer one: the newest version always wins.
--
-- KEYS: 1 week counters, 2 week seen, 3 week evidence, 4 group report subjects, 5 weeks index,
--       and for the live bot's run of one, 6 the group's conversation state
-- ARGV: 1 repeat window (s), 2 evidence cap per label, 3 counters ttl (s), 4 evidence ttl (s),
--       5 week, 6 week score, 7 the run's messages, each a header line
--       "<message id>|<sent at, unix s>|<version>|<label codes of the evidence line>|<sender
--       pseudonym or ''>|<counter tokens, space separated>|<evidence bytes>|<subject bytes>\n"
--       (none of these holds a "|": the seen records already use it to separate the sender and
--       the tokens) followed by that many bytes of the evidence line, then of the report
--       subject (free text, hence counted, not separated; both "" for most messages). One
--       argument for the run: the client encodes it once instead of three per message.
--       With KEYS[6], 8 the group's next conversation state and 9 its ttl (s), stored only
--       when the message is new (a redelivery or an edit leaves the context as it was), in
--       the same atomic step as its counts
-- Returns one result per message: 0 duplicate or stale version, 1 new, 2 changed (edited).
--
-- Counter increments and seen records are gathered for the run and written once at its end
-- (one HINCRBY per distinct field, one HSET of every record): nothing in the run reads them
-- back from Redis but through the tables below, and a call is atomic, so the stored result is
-- the same as writing each message's at once, with a few commands a run instead of a few a
-- message.

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

-- The counter fields of a record's tokens: "~" stands for the sender (one gsub a message,
-- and none for the many messages whose tokens name no sender).
local function fields(tokens, who)
  if string.find(tokens, '~', 1, true) then return (string.gsub(tokens, '~', who)) end
  return tokens
end

-- A seen record: "v<version>:" (left out for 0) then the message's state.
local function record(version, state)
  if version > 0 then return 'v' .. version .. ':' .. state end
  return state
end

-- The run's pending counter deltas, fields in the order first touched.
local deltas, delta_fields = {}, {}
local function add(name, by)
  local d = deltas[name]
  if d == nil then
    delta_fields[#delta_fields + 1] = name
    d = 0
  end
  deltas[name] = d + by
end

-- The run's seen records: read once for the run (HMGET), written once at its end.
local seen, seen_written, seen_order = {}, {}, {}
local function set_seen(msg, value)
  if not seen_written[msg] then seen_order[#seen_order + 1] = msg end
  seen_written[msg] = true
  seen[msg] = value
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
  local old = seen[msg]
  if old == false then old = nil end
  local old_version = 0
  if old then
    local v, rest = string.match(old, '^v(%d+):(.*)$')
    if v then old_version, old = tonumber(v), rest end
  end
  if old and version < old_version then return 0 end

  -- The same message again (redelivered, or an edit that changes nothing counted): its repeat
  -- was decided when it first came, against the requests before it, which the subject may no
  -- longer remember (it keeps 8); deciding again, or remembering it again, would change both.
  if old then
    local old_sender, old_tokens, old_subject = string.match(old, '^([^|]*)|([^|]*)|(.*)$')
    local was = string.gsub(old_tokens, ' R$', '')
    if old_sender == sender and was == m.tokens and old_subject == subject then
      if version > old_version then set_seen(msg, record(version, old)) end
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
    for name in string.gmatch(fields(old_tokens, old_sender), '%S+') do
      add(name, -1)
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

  for name in string.gmatch(fields(counted, sender), '%S+') do
    add(name, 1)
  end
  set_seen(msg, record(version, state))

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
local payload = ARGV[7]
local messages = {}
local at_byte = 1
while at_byte <= #payload do
  local stop = string.find(payload, '\n', at_byte, true)
  local id, at, version, codes, sender, tokens, evidence_bytes, subject_bytes = string.match(
    string.sub(payload, at_byte, stop - 1),
    '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(%d+)|(%d+)$')
  local evidence_end = stop + tonumber(evidence_bytes)
  local subject_end = evidence_end + tonumber(subject_bytes)
  messages[#messages + 1] = {
    id = id, tokens = tokens, sent_at = tonumber(at), sender = sender, codes = codes,
    version = tonumber(version) or 0,
    evidence = string.sub(payload, stop + 1, evidence_end),
    subject = string.sub(payload, evidence_end + 1, subject_end),
  }
  at_byte = subject_end + 1
end

local ids = {}
for i, m in ipairs(messages) do ids[i] = m.id end
local batch = 1000  -- arguments per command, well inside Lua's stack for unpack
for first = 1, #ids, batch do
  local last = math.min(#ids, first + batch - 1)
  local records = redis.call('HMGET', k.seen, unpack(ids, first, last))
  for i = first, last do
    if seen[ids[i]] == nil then seen[ids[i]] = records[i - first + 1] end
  end
end

local results = {}
local counted = false
for _, m in ipairs(messages) do
  local result = ingest_one(k, m, window, cap)
  results[#results + 1] = result
  if result ~= 0 then counted = true end
end

-- The run's writes, once each: counters, then the seen records.
for _, name in ipairs(delta_fields) do
  local d = deltas[name]
  if d ~= 0 and redis.call('HINCRBY', k.counters, name, d) <= 0 then
    redis.call('HDEL', k.counters, name)
  end
end
local pairs_ = {}
for _, msg in ipairs(seen_order) do
  pairs_[#pairs_ + 1] = msg
  pairs_[#pairs_ + 1] = seen[msg]
  if #pairs_ >= batch then
    redis.call('HSET', k.seen, unpack(pairs_))
    pairs_ = {}
  end
end
if #pairs_ > 0 then redis.call('HSET', k.seen, unpack(pairs_)) end

-- Once for the run: the same expiries and index entry for every message of it.
if counted then ingest_touch(k, KEYS[5], ARGV[3], ARGV[4], ARGV[5], ARGV[6]) end
if KEYS[6] and results[1] == 1 then
  redis.call('SET', KEYS[6], ARGV[8], 'EX', ARGV[9])
end
return results
