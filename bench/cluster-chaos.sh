#!/usr/bin/env bash
# Nothing lost, nothing twice: SIGKILL random workers during a batch.
#
#   bench/cluster-chaos.sh [BUILD_DIR] [N_DOCS] [KILLS] [WORKERS] [SEED]
#
# Writes N_DOCS (500) one-page PDFs, starts the fake model server (300 ms an
# answer), a nats-server -js on free loopback ports and WORKERS (4)
# `assay --worker … --role all` (2 model requests each), then submits the
# batch with `assay --headless --cluster`. While it runs, KILLS (10) times,
# at random moments 0.5–2 s apart (drawn from SEED), a random live worker is
# sent SIGKILL — mid-job: each holds jobs all the time — and a fresh one
# takes its place. Their unacked jobs come back after the consumers' AckWait.
#
# Then it counts: documents in the submitter's output, distinct content hashes
# among them, done / failed; and on the server, the results bucket's stream
# (KV_assay-results): messages = distinct keys kept, last_seq = writes ever
# made (last_seq > messages means a result was written more than once),
# and what is left on the work streams. Exit status 0 only when every
# document came back exactly once, done.
set -euo pipefail
build=${1:-build}
n=${2:-500}
kills=${3:-10}
workers=${4:-4}
seed=${5:-11}
latency=300
per=2
assay=$(realpath "$build/src/assay")
server=$(realpath "$build/tests/fake-llm-server")
make_pdfs=$(realpath "$build/tests/make-pdfs")
command -v nats-server > /dev/null || { echo "needs nats-server (apt-get install nats-server)" >&2; exit 1; }
RANDOM=$seed

tmp=$(mktemp -d)
here=$(dirname "$0")
# shellcheck source=bench/cluster-lib.sh
. "$here/cluster-lib.sh"
server_pid=
submit_pid=
cleanup() {
  [ -n "$submit_pid" ] && cluster_stop "$submit_pid"
  cluster_stop_all
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$make_pdfs" "$tmp/pdfs" "$n" 1 > /dev/null

coproc SERVER { "$server" "$latency"; }
server_pid=$SERVER_PID
read -r url <&"${SERVER[0]}"
model_args=(--llm-url "$url" --model bench --no-stream --max-requests "$per")

cluster_start_nats nats
live=()
next=1
spawn() {
  cluster_start_worker "w$next" --role all --jobs "$per" "${model_args[@]}"
  live+=("$worker_pid")
  next=$((next + 1))
}
for _ in $(seq "$workers"); do spawn; done
cluster_wait_workers "$workers"

start=$(date +%s.%N)
XDG_DATA_HOME="$tmp/submit" GSETTINGS_BACKEND=memory \
  "$assay" --headless --cluster "$nats_url" "${model_args[@]}" -o "$tmp/out.json" "$tmp/pdfs" \
  2> "$tmp/submit.log" &
submit_pid=$!

done_kills=0
while [ "$done_kills" -lt "$kills" ] && kill -0 "$submit_pid" 2> /dev/null; do
  ms=$((500 + RANDOM % 1501))   # 0.5 … 2.0 s
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  pick=$((RANDOM % ${#live[@]}))
  victim=${live[$pick]}
  kill -KILL "$victim" 2> /dev/null || true
  wait "$victim" 2> /dev/null || true
  done_kills=$((done_kills + 1))
  printf 'kill %2d: worker pid %d at %.1f s\n' "$done_kills" "$victim" \
    "$(echo "$(date +%s.%N) - $start" | bc -l)"
  unset "live[$pick]"
  live=("${live[@]}")
  spawn
done

# The submitter ends by itself once every result is in; bound the wait.
deadline=$(( $(date +%s) + 600 ))
while kill -0 "$submit_pid" 2> /dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.5; done
if kill -0 "$submit_pid" 2> /dev/null; then
  echo "the submitter had not finished after 600 s; its log and the server's state:" >&2
  tail -5 "$tmp/submit.log" >&2
  cluster_dump_state
fi
wait "$submit_pid" 2> /dev/null && status=0 || status=$?
submit_pid=
end=$(date +%s.%N)

read -r kv_msgs kv_last < <(cluster_stream_state KV_assay-results)
read -r ex_msgs _ < <(cluster_stream_state ASSAY_EXTRACT)
read -r an_msgs _ < <(cluster_stream_state ASSAY_ANALYSE)

printf 'batch: %d documents, %d SIGKILLs of %d workers, %.1f s, submitter exit %d\n' \
  "$n" "$done_kills" "$workers" "$(echo "$end - $start" | bc -l)" "$status"
python3 - "$tmp/out.json" "$n" "$kv_msgs" "$kv_last" "$ex_msgs" "$an_msgs" <<'PY'
import collections, json, sys
path, n, kv_msgs, kv_last, ex_left, an_left = sys.argv[1], *map(int, sys.argv[2:])
try:
    docs = json.load(open(path))["documents"]
except (OSError, ValueError, KeyError) as e:
    print(f"no output: {e}"); sys.exit(1)
hashes = collections.Counter(d["source"]["sha256"] for d in docs)
states = collections.Counter(d.get("status") for d in docs)
doubled = sum(c - 1 for c in hashes.values() if c > 1)
lost = n - len(hashes)
print(f"output: {len(docs)} documents, {len(hashes)} distinct, lost {lost}, doubled {doubled}, "
      f"states {dict(states)}")
print(f"results bucket: {kv_msgs} keys, {kv_last} writes; left on the work streams: "
      f"extract {ex_left}, analyse {an_left}")
ok = lost == 0 and doubled == 0 and states.get("done", 0) == n
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
