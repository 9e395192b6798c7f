# Shared by bench/cluster-*.sh (sourced, not run): a real nats-server with
# JetStream and assay workers on 127.0.0.1, each started by PID on a free
# port with its store in the caller's temporary folder, and stopped by PID.
#
# The caller sets $assay (the binary) and $tmp (a private folder) first, and
# calls cluster_stop_all from its EXIT trap.

cluster_pids=()

# A free TCP port on 127.0.0.1 (the kernel's pick; released at once).
cluster_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cluster_start_nats NAME: starts nats-server -js on free ports, its store in
# $tmp/NAME; sets nats_url, nats_monitor, nats_pid. Waits (bounded, 10 s) for
# /healthz to answer.
cluster_start_nats() {
  local name=$1 port mport
  port=$(cluster_free_port)
  mport=$(cluster_free_port)
  mkdir -p "$tmp/$name"
  nats-server -js -a 127.0.0.1 -p "$port" -m "$mport" -sd "$tmp/$name/store" \
    > "$tmp/$name/nats.log" 2>&1 &
  nats_pid=$!
  cluster_pids+=("$nats_pid")
  nats_url="nats://127.0.0.1:$port"
  nats_monitor="http://127.0.0.1:$mport"
  local i
  for i in $(seq 100); do
    if curl -fs --max-time 1 "$nats_monitor/healthz" > /dev/null 2>&1; then
      return 0
    fi
    kill -0 "$nats_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "nats-server did not come up; its log:" >&2
  cat "$tmp/$name/nats.log" >&2
  return 1
}

# cluster_start_worker NAME ARGS…: starts `assay --worker $nats_url
# --worker-name NAME ARGS…` with its own data folder; sets worker_pid.
cluster_start_worker() {
  local name=$1; shift
  mkdir -p "$tmp/$name"
  XDG_DATA_HOME="$tmp/$name/data" XDG_CACHE_HOME="$tmp/$name/cache" GSETTINGS_BACKEND=memory \
    "$assay" --worker "$nats_url" --worker-name "$name" "$@" > "$tmp/$name/worker.log" 2>&1 &
  worker_pid=$!
  cluster_pids+=("$worker_pid")
}

# cluster_wait_workers N: waits (bounded, 30 s) until the server has at
# least N client connections, i.e. N workers are up and connected, so a timed
# run measures the work, not the workers' start-up.
cluster_wait_workers() {
  local want=$1 i got=0
  for i in $(seq 300); do
    got=$(curl -fs --max-time 1 "$nats_monitor/connz" 2> /dev/null |
      python3 -c 'import json, sys; print(json.load(sys.stdin).get("num_connections", 0))' \
        2> /dev/null || echo 0)
    [ "$got" -ge "$want" ] && return 0
    sleep 0.1
  done
  echo "only $got of $want workers connected after 30 s" >&2
  return 1
}

# cluster_stream_state STREAM: prints "messages last_seq" of STREAM.
cluster_stream_state() {
  curl -fs --max-time 5 "$nats_monitor/jsz?streams=true" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for acc in d.get("account_details", []):
    for st in acc.get("stream_detail", []):
        if st["name"] == sys.argv[1]:
            print(st["state"]["messages"], st["state"]["last_seq"]); sys.exit()
print("0 0")' "$1"
}

# Stops one process by PID: SIGTERM, then SIGKILL after 10 s.
cluster_stop() {
  local pid=$1 i
  kill -0 "$pid" 2> /dev/null || { wait "$pid" 2> /dev/null || true; return 0; }
  kill -TERM "$pid" 2> /dev/null || true
  for i in $(seq 100); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

# Stops everything this script started, workers before the server.
cluster_stop_all() {
  local i
  for ((i = ${#cluster_pids[@]} - 1; i >= 0; i--)); do
    cluster_stop "${cluster_pids[$i]}"
  done
  cluster_pids=()
}

# Prints each stream's messages and each consumer's pending / ack pending /
# redelivered / waiting pulls on standard error: what a stuck run looked like.
cluster_dump_state() {
  curl -fs --max-time 5 "$nats_monitor/jsz?consumers=true" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for acc in d.get("account_details", []):
    for st in acc.get("stream_detail", []):
        line = f"  {st['"'"'name'"'"']}: {st['"'"'state'"'"']['"'"'messages'"'"']} messages"
        for c in st.get("consumer_detail") or []:
            line += (f"; consumer {c['"'"'name'"'"']}: pending {c['"'"'num_pending'"'"']}, "
                     f"ack pending {c['"'"'num_ack_pending'"'"']}, redelivered {c['"'"'num_redelivered'"'"']}, "
                     f"waiting pulls {c['"'"'num_waiting'"'"']}")
        print(line)' >&2 || echo "  (no answer from $nats_monitor)" >&2
}
