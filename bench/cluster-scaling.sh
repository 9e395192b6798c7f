#!/usr/bin/env bash
# Throughput against the number of workers, on loopback, model-bound.
#
#   bench/cluster-scaling.sh [BUILD_DIR] [DOCS_PER_WORKER] [LATENCY_MS] [PER_WORKER]
#
# Writes 8 × DOCS_PER_WORKER (40) distinct one-page PDFs and starts the tests'
# fake model server on 127.0.0.1 with LATENCY_MS (300) per answer. Then for
# W = 1, 2, 4, 8: a fresh nats-server -js (free port, store in a temporary
# folder), W workers (`assay --worker … --role all`, each holding PER_WORKER
# (1) model requests at once), and one submitter `assay --headless --cluster …`
# over a batch of W × DOCS_PER_WORKER of the PDFs, timed from its start to its
# last result. Everything is stopped by PID before the next W. The batch
# grows with W so that every run has the same work per worker and the same
# share of fixed costs (start-up, upload, the last document's tail): the
# throughputs compare like for like.
#
# Ideal wall time: DOCS_PER_WORKER × LATENCY / PER_WORKER, for every W.
# Efficiency = ideal / wall; "linear" is throughput(W) = W × throughput(1),
# and the target is throughput(W) ≥ 0.9 × W × throughput(1). The fake server
# reports the most requests it had in flight at once (W × PER_WORKER when
# every worker keeps its slot busy).
set -euo pipefail
build=${1:-build}
per_worker_docs=${2:-40}
latency=${3:-300}
per=${4:-1}
assay=$(realpath "$build/src/assay")
server=$(realpath "$build/tests/fake-llm-server")
make_pdfs=$(realpath "$build/tests/make-pdfs")
command -v nats-server > /dev/null || { echo "needs nats-server (apt-get install nats-server)" >&2; exit 1; }

tmp=$(mktemp -d)
here=$(dirname "$0")
# shellcheck source=bench/cluster-lib.sh
. "$here/cluster-lib.sh"
server_pid=
cleanup() {
  cluster_stop_all
  [ -n "$server_pid" ] && { kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT

"$make_pdfs" "$tmp/all" $((8 * per_worker_docs)) 1 > /dev/null

model_args=(--llm-url "" --model bench --no-stream --max-requests "$per")
printf '%3s %5s %8s %8s %7s %10s %12s %12s %8s\n' W docs "wall s" "ideal s" eff "docs/s" "vs linear" \
  "server max K" results
base=
status=0
for w in 1 2 4 8; do
  n=$((w * per_worker_docs))
  rm -rf "$tmp/pdfs"
  mkdir "$tmp/pdfs"
  for f in $(ls "$tmp/all" | head -"$n"); do ln -s "$tmp/all/$f" "$tmp/pdfs/$f"; done
  coproc SERVER { "$server" "$latency"; }
  server_pid=$SERVER_PID
  read -r url <&"${SERVER[0]}"
  model_args[1]=$url

  cluster_start_nats "nats-$w"
  for i in $(seq "$w"); do
    cluster_start_worker "w$w-$i" --role all --jobs "$per" "${model_args[@]}"
  done
  cluster_wait_workers "$w"

  # Bounded: ten times the ideal, plus a minute.
  limit=$((per_worker_docs * latency * 10 / per / 1000 + 60))
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/submit-$w" GSETTINGS_BACKEND=memory timeout "$limit" \
    "$assay" --headless --cluster "$nats_url" "${model_args[@]}" \
    -o "$tmp/out-$w.json" "$tmp/pdfs" 2> "$tmp/submit-$w.log" || true
  end=$(date +%s.%N)
  [ -s "$tmp/out-$w.json" ] && grep -q '"documents"' "$tmp/out-$w.json" || {
    echo "W=$w: the submitter gave no output within ${limit} s; the server's state:" >&2
    cluster_dump_state
  }
  results=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for r in d["documents"] if r.get("status") == "done"))' "$tmp/out-$w.json" 2> /dev/null || echo 0)

  cluster_stop_all
  exec {SERVER[1]}>&-
  read -r _ requests _ max_in_flight _ <&"${SERVER[0]}"
  wait "$server_pid" 2> /dev/null || true
  server_pid=

  wall=$(echo "$end - $start" | bc -l)
  ideal=$(echo "$n * $latency / 1000 / ($w * $per)" | bc -l)
  rate=$(echo "$n / $wall" | bc -l)
  [ -z "$base" ] && base=$rate
  printf '%3d %5d %8.2f %8.2f %7.3f %10.2f %12.3f %12d %8s\n' "$w" "$n" "$wall" "$ideal" \
    "$(echo "$ideal / $wall" | bc -l)" "$rate" "$(echo "$rate / ($w * $base)" | bc -l)" \
    "$max_in_flight" "$results/$n"
  if [ "$results" -ne "$n" ]; then
    echo "W=$w: only $results of $n documents done; submitter's log:" >&2
    tail -5 "$tmp/submit-$w.log" >&2
    status=1
  fi
done
exit $status
