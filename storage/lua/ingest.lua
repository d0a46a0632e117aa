-- Count one message into its group-week, exactly once.
-- A redelivered message changes nothing; an edited one has its old contribution subtracted first.
--
-- KEYS: 1 week counters, 2 week seen, 3 week evidence, 4 group report subjects, 5 weeks index
-- ARGV: 1 message id, 2 counter tokens (space separated), 3 evidence line or "",
--       4 report subject or "", 5 sent at (unix s), 6 sender pseudonym or "",
--       7 repeat window (s), 8 evidence cap per label, 9 counters ttl (s), 10 evidence ttl (s),
--       11 week, 12 week score, 13 label codes of the evidence line,
--       14 version (the edit's unix time, 0 for the original)
-- Returns 0 for a duplicate or a stale version, 1 for a new message, 2 for a changed (edited) one.
-- Telegram may redeliver an older version after a newer one: the newest version always wins.

local msg, tokens, evidence, subject = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local sent_at, sender = tonumber(ARGV[5]), ARGV[6]
local window, cap = tonumber(ARGV[7]), tonumber(ARGV[8])
local subject_memory = window * 3
local version = tonumber(ARGV[14]) or 0

-- The message's record in the seen hash: "v<version>:" (left out for 0) then its state.
local old = redis.call('HGET', KEYS[2], msg)
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

local function request_entries(value)
  local entries = {}
  for id, at, who in string.gmatch(value or '', '([^,;]+),([^,;]+),([^,;]*)') do
    entries[#entries + 1] = {id = id, at = tonumber(at), who = who}
  end
  return entries
end

local function store_entries(name, entries)
  local parts = {}
  local first = math.max(1, #entries - 7)
  for i = first, #entries do
    local e = entries[i]
    parts[#parts + 1] = e.id .. ',' .. e.at .. ',' .. e.who
  end
  if #parts == 0 then
    redis.call('HDEL', KEYS[4], name)
  else
    redis.call('HSET', KEYS[4], name, table.concat(parts, ';'))
  end
end

local is_repeat = false
if subject ~= '' then
  local kept = {}
  for _, e in ipairs(request_entries(redis.call('HGET', KEYS[4], subject))) do
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
  store_entries(subject, kept)
end

-- A message's record: "<sender>|<tokens>|<subject>"; "~" in a token stands for the sender.
local counted = tokens
if is_repeat then counted = counted .. ' R' end
local state = sender .. '|' .. counted .. '|' .. subject
if old == state then
  if version > old_version then redis.call('HSET', KEYS[2], msg, record(state)) end
  return 0
end

local function field(token, who)
  return (string.gsub(token, '~', who))
end

if old then
  local old_sender, old_tokens, old_subject = string.match(old, '^([^|]*)|([^|]*)|(.*)$')
  for token in string.gmatch(old_tokens, '%S+') do
    local name = field(token, old_sender)
    if redis.call('HINCRBY', KEYS[1], name, -1) <= 0 then redis.call('HDEL', KEYS[1], name) end
  end
  if old_subject ~= '' and old_subject ~= subject then
    local kept = {}
    for _, e in ipairs(request_entries(redis.call('HGET', KEYS[4], old_subject))) do
      if e.id ~= msg then kept[#kept + 1] = e end
    end
    store_entries(old_subject, kept)
  end
  local old_evidence = redis.call('HGET', KEYS[3], msg)
  if old_evidence then
    local codes = string.match(old_evidence, '^([^\t]*)')
    for code in string.gmatch(codes, '.') do
      if redis.call('HINCRBY', KEYS[3], '#' .. code, -1) <= 0 then
        redis.call('HDEL', KEYS[3], '#' .. code)
      end
    end
    redis.call('HDEL', KEYS[3], msg)
  end
  redis.call('HDEL', KEYS[3], 'R:' .. msg)
end

for token in string.gmatch(counted, '%S+') do
  redis.call('HINCRBY', KEYS[1], field(token, sender), 1)
end
redis.call('HSET', KEYS[2], msg, record(state))

if evidence ~= '' then
  local room = false
  for code in string.gmatch(ARGV[13], '.') do
    if tonumber(redis.call('HGET', KEYS[3], '#' .. code) or '0') < cap then room = true end
  end
  if room then
    redis.call('HSET', KEYS[3], msg, evidence)
    for code in string.gmatch(ARGV[13], '.') do redis.call('HINCRBY', KEYS[3], '#' .. code, 1) end
  end
end
if is_repeat then redis.call('HSET', KEYS[3], 'R:' .. msg, subject) end

redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[10])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[10]) end
redis.call('EXPIRE', KEYS[4], ARGV[9])
redis.call('ZADD', KEYS[5], ARGV[12], ARGV[11])
redis.call('EXPIRE', KEYS[5], ARGV[9])
if old then return 2 end
return 1
