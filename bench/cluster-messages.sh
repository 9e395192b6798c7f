#!/usr/bin/env bash
# Messages through the server and CPU per process for one cluster batch:
# what the cluster path costs in counts, which load distorts far less than
# wall time.
#
#   bench/cluster-messages.sh [BUILD_DIR] [N_DOCS] [PAGES] [RUNS]
#
# Writes N_DOCS (200) PDFs of PAGES (3) pages. Each run starts a fresh
# nats-server -js (free port, store in a temporary folder) and one
# `assay --worker URL --role all --jobs J --offline`, then times
# `assay --headless --cluster URL --offline` over the PDFs, and prints the
# messages the server took in and sent out per document (/varz in_msgs,
# out_msgs before and after) and the CPU seconds of the worker's own threads,
# its reader helpers, nats-server and the submitter, and the context switches
# (voluntary + involuntary, every thread) per document of the worker's own
# threads, nats-server's and the submitter's (perf stat, if perf is there):
# thread wake-ups are counts, which load hardly moves. RUNS (3) runs.
#
# OLD=/path/to/an/older/assay runs that binary (worker and submitter) in
# each run as well, the two taking turns going first.
set -euo pipefail
build=${1:-build}
n=${2:-200}
pages=${3:-3}
runs=${4:-3}
assay=$(realpath "$build/src/assay")
make_pdfs=$(realpath "$build/tests/make-pdfs")
command -v nats-server > /dev/null || { echo "needs nats-server (apt-get install nats-server)" >&2; exit 1; }
jobs=$(nproc)
hz=$(getconf CLK_TCK)
old=${OLD:+$(realpath "$OLD")}

tmp=$(mktemp -d)
here=$(dirname "$0")
# shellcheck source=bench/cluster-lib.sh
. "$here/cluster-lib.sh"
trap 'cluster_stop_all; rm -rf "$tmp"' EXIT

"$make_pdfs" "$tmp/pdfs" "$n" "$pages" > /dev/null

varz_msgs() {
  curl -fs --max-time 5 "$nats_monitor/varz" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["in_msgs"], d["out_msgs"])'
}

# own PID / children PID: CPU ticks of a process itself / of its reaped children.
own() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
children() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }
# switches PID: context switches of every live thread of a process.
switches() {
  cat /proc/"$1"/task/*/status 2> /dev/null |
    awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}
perf_stat=()
if command -v perf > /dev/null && perf stat -e context-switches true > /dev/null 2>&1; then
  perf_stat=(perf stat -x, -e context-switches -o)
fi

# one_run LABEL BINARY
one_run() {
  local label=$1 w0 c0 n0 w1 c1 n1 v0 v1 ws0 ns0 ws1 ns1 ss
  assay=$2
  cluster_start_nats "nats-$label"
  cluster_start_worker "worker-$label" --role all --jobs "$jobs" --offline
  cluster_wait_workers 1
  v0=$(varz_msgs)
  w0=$(own "$worker_pid"); c0=$(children "$worker_pid"); n0=$(own "$nats_pid")
  ws0=$(switches "$worker_pid"); ns0=$(switches "$nats_pid")
  XDG_DATA_HOME="$tmp/submit-$label" GSETTINGS_BACKEND=memory timeout 600 \
    ${perf_stat[@]+"${perf_stat[@]}" "$tmp/submit-$label.perf"} /usr/bin/time -o "$tmp/submit-$label.time" -f "%U %S" \
    "$assay" --headless --cluster "$nats_url" --offline -o "$tmp/out-$label.json" "$tmp/pdfs" \
    2> "$tmp/submit-$label.log" || true
  # The worker's last helpers reaped, its acks sent.
  sleep 0.3
  w1=$(own "$worker_pid"); c1=$(children "$worker_pid"); n1=$(own "$nats_pid")
  ws1=$(switches "$worker_pid"); ns1=$(switches "$nats_pid")
  ss=$(awk -F, '/context-switches/ { print $1 }' "$tmp/submit-$label.perf" 2> /dev/null || true)
  v1=$(varz_msgs)
  python3 - "$label" "$n" "$hz" "$v0" "$v1" "$((w1 - w0))" "$((c1 - c0))" "$((n1 - n0))" \
    "$(cat "$tmp/submit-$label.time")" "$tmp/out-$label.json" \
    "$((ws1 - ws0))" "$((ns1 - ns0))" "${ss:-0}" <<'PY'
import json, sys
label, n, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
v0 = list(map(int, sys.argv[4].split())); v1 = list(map(int, sys.argv[5].split()))
worker, helpers, nats = (int(x) / hz for x in sys.argv[6:9])
submitter = sum(map(float, sys.argv[9].split()))
try:
    done = sum(1 for r in json.load(open(sys.argv[10]))["documents"] if r.get("status") == "done")
except Exception:
    done = 0
print(f"{label:>8}: messages a document in {(v1[0] - v0[0]) / n:.2f}, out {(v1[1] - v0[1]) / n:.2f}; "
      f"CPU s: worker {worker:.2f}, its helpers {helpers:.2f}, nats-server {nats:.2f}, "
      f"submitter {submitter:.2f}; {done}/{n} done")
ws, ns, ss = (int(x or 0) / n for x in sys.argv[11:14])
print(f"{'':>8}  context switches a document: worker {ws:.1f}, nats-server {ns:.1f}, "
      f"submitter {ss:.1f}" + ("" if ss else " (no perf)"))
PY
  cluster_stop_all
  cluster_pids=()
  assay=$new_assay
}

new_assay=$assay
for r in $(seq "$runs"); do
  if [ -n "$old" ] && [ $((r % 2)) -eq 0 ]; then one_run "old-$r" "$old"; fi
  one_run "new-$r" "$new_assay"
  if [ -n "$old" ] && [ $((r % 2)) -eq 1 ]; then one_run "old-$r" "$old"; fi
done
