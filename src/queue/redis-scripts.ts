/**
 * Lua for the stream queue. A script runs atomically in Redis
 * (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/), so the depth
 * check, the idempotency key and the XADD cannot interleave with another replica's enqueue,
 * and an idempotency key never exists without its entry (no SET NX then failed XADD).
 * XADD '*' inside a script is allowed since Redis 5 (effects replication).
 */

// KEYS[1]=stream, KEYS[2]=idempotency key (absent for none)
// ARGV[1]=max depth, ARGV[2]=job JSON, ARGV[3]=key TTL ms
// Returns {'queued', id, depth} | {'duplicate'} | {'full', depth}
export const enqueueScript = `
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return {'duplicate'} end
local depth = redis.call('XLEN', KEYS[1])
if depth >= tonumber(ARGV[1]) then return {'full', depth} end
local id = redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
if KEYS[2] then redis.call('SET', KEYS[2], id, 'PX', ARGV[3]) end
return {'queued', id, depth + 1}
`;

// The same, and when the stream is full, the overflow job (a busy notice) on the overflow
// stream under its own bound and idempotency key: one round trip where there were two, so a
// refused turn's 200 waits on Redis once. Single-server only (a cluster refuses keys of two
// slots in one script; the queue then makes the two enqueues apart).
// KEYS[1]=stream, KEYS[2]=overflow stream, then the idempotency key and the overflow's
// idempotency key, each only when ARGV[7] / ARGV[8] is '1'.
// ARGV[1]=max depth, ARGV[2]=job JSON, ARGV[3]=key TTL ms, ARGV[4..6]=the same for the overflow
// Returns {'queued', id, depth} | {'duplicate'} (the job's key, or the overflow's: told busy)
//   | {'full', depth, 'queued', id, depth} | {'full', depth, 'full', depth}
export const enqueueOrOverflowScript = `
local n = 3
local key, okey
if ARGV[7] == '1' then key = KEYS[n]; n = n + 1 end
if ARGV[8] == '1' then okey = KEYS[n] end
if key and redis.call('EXISTS', key) == 1 then return {'duplicate'} end
-- A message already told "busy" was answered: Slack's retry of it (a late ack in a burst) is
-- not queued as a turn once the queue has room, which would answer it a second time.
if okey and redis.call('EXISTS', okey) == 1 then return {'duplicate'} end
local depth = redis.call('XLEN', KEYS[1])
if depth < tonumber(ARGV[1]) then
  local id = redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
  if key then redis.call('SET', key, id, 'PX', ARGV[3]) end
  return {'queued', id, depth + 1}
end
local odepth = redis.call('XLEN', KEYS[2])
if odepth >= tonumber(ARGV[4]) then return {'full', depth, 'full', odepth} end
local oid = redis.call('XADD', KEYS[2], '*', 'job', ARGV[5])
if okey then redis.call('SET', okey, oid, 'PX', ARGV[6]) end
return {'full', depth, 'queued', oid, odepth + 1}
`;

// Acknowledges and deletes the entry (acked entries are never read again, and deleting keeps
// XLEN equal to the outstanding work), then frees its idempotency key if it is still this
// entry's (after a TTL expiry the key may belong to a newer job), or, for a job enqueued with
// rememberMs, keeps it that much longer so a redelivered message is still a duplicate.
// KEYS[1]=stream, KEYS[2]=idempotency key (absent for none); ARGV[1]=group, ARGV[2]=entry id,
// ARGV[3]=remember ms ("0" = free the key)
export const ackScript = `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if KEYS[2] and redis.call('GET', KEYS[2]) == ARGV[2] then
  if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) else redis.call('DEL', KEYS[2]) end
end
return 1
`;

// Heartbeat and retry: resets the idle time of entries this consumer still owns (XCLAIM to
// itself; JUSTID leaves the delivery counter alone, RETRYCOUNT sets it for a retry), and
// returns the ids it no longer owns (another consumer reclaimed them). Checking the owner
// first matters: a bare XCLAIM would steal an entry back from the consumer that reclaimed it.
// KEYS[1]=stream; ARGV[1]=group, ARGV[2]=consumer, ARGV[3]=retry count ("" = keep), ARGV[4..]=ids
export const touchOwnScript = `
local lost = {}
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    if ARGV[3] ~= '' then
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID', 'RETRYCOUNT', ARGV[3])
    else
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    end
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
`;
