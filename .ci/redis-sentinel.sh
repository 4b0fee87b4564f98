#!/usr/bin/env bash
# A Redis master (127.0.0.1:7101), one replica (7102) and one sentinel (26381, quorum 1)
# watching them as "daybook", for test/redis-sentinel.test.ts. Idempotent: a sentinel that
# answers and knows the master, with both data nodes up, is reused (after a failover test the
# master may be 7102; that is fine). Started by .ci/run, and by the test itself when absent.
set -euo pipefail
master=7101 replica=7102 sentinel=26381 name=daybook

up() { redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; }
if up "$master" && up "$replica" && up "$sentinel" \
  && redis-cli -p "$sentinel" sentinel get-master-addr-by-name "$name" 2>/dev/null | grep -q 127.0.0.1; then
  exit 0
fi
for port in "$sentinel" "$master" "$replica"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
dir=$(mktemp -d /tmp/daybook-redis-sentinel.XXXXXX)
common=(--daemonize yes --bind 127.0.0.1 --save "" --appendonly no --dir "$dir")
redis-server "${common[@]}" --port "$master" --logfile "$dir/master.log"
redis-server "${common[@]}" --port "$replica" --replicaof 127.0.0.1 "$master" --logfile "$dir/replica.log"
# A sentinel rewrites its configuration file (the state it learned), so it gets one of its own.
cat >"$dir/sentinel.conf" <<CONF
port $sentinel
bind 127.0.0.1
daemonize yes
logfile $dir/sentinel.log
dir $dir
sentinel monitor $name 127.0.0.1 $master 1
sentinel down-after-milliseconds $name 1000
sentinel failover-timeout $name 5000
sentinel parallel-syncs $name 1
CONF
redis-server "$dir/sentinel.conf" --sentinel
for _ in $(seq 1 100); do
  if up "$master" && up "$sentinel" \
    && redis-cli -p "$replica" info replication 2>/dev/null | grep -q '^master_link_status:up' \
    && [[ "$(redis-cli -p "$sentinel" sentinel replicas "$name" 2>/dev/null | grep -c "$replica")" -ge 1 ]]; then
    exit 0
  fi
  sleep 0.2
done
echo "redis sentinel did not come up (logs in $dir)" >&2
exit 1
