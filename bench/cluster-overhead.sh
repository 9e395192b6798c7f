#!/usr/bin/env bash
# What the cluster path costs per document against a local run of the same
# batch: offline extractor, one worker, this machine.
#
#   bench/cluster-overhead.sh [BUILD_DIR] [N_DOCS] [PAGES] [ROUNDS]
#
# Writes N_DOCS (200) PDFs of PAGES (3) pages. Each round runs, back to back:
#   local:   assay --headless --offline -o … DIR          (empty store)
#   cluster: assay --headless --cluster URL --offline -o … DIR
#            against one `assay --worker URL --role all` on a fresh
#            nats-server -js (free port, store in a temporary folder),
#            the worker started and connected before the clock starts.
# Both use --jobs J (the number of cores) for their CPU work. ROUNDS (3)
# rounds, alternating, so the load other programs put on the machine falls
# on both alike; the median of each and their ratio are printed (target:
# cluster ≤ 1.15 × local).
#
# Each round also counts CPU seconds (user + system, children included) of
# every process on each side: the local run; the submitter, the worker with
# its reader helpers and nats-server. On a loaded machine wall times swing
# with what else runs; the CPU a batch takes swings much less.
#
# OLD=/path/to/an/older/assay adds, in each round, the same cluster run with
# that binary (its worker and its submitter) on a fresh server: an A/B of
# two builds in one run, under the same load.
set -euo pipefail
build=${1:-build}
n=${2:-200}
pages=${3:-3}
rounds=${4:-3}
assay=$(realpath "$build/src/assay")
make_pdfs=$(realpath "$build/tests/make-pdfs")
command -v nats-server > /dev/null || { echo "needs nats-server (apt-get install nats-server)" >&2; exit 1; }
jobs=$(nproc)

tmp=$(mktemp -d)
here=$(dirname "$0")
# shellcheck source=bench/cluster-lib.sh
. "$here/cluster-lib.sh"
trap 'cluster_stop_all; rm -rf "$tmp"' EXIT

"$make_pdfs" "$tmp/pdfs" "$n" "$pages" > /dev/null

count_done() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for r in d["documents"] if r.get("status") == "done"))' "$1" 2> /dev/null || echo 0
}

# proc_cpu PID: CPU seconds of a running process and its reaped children.
proc_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"
}

# time_cpu FILE: CPU seconds GNU time wrote to FILE ("%U %S").
time_cpu() {
  awk '{ printf "%.2f\n", $1 + $2 }' "$1" 2> /dev/null || echo 0
}

old=${OLD:+$(realpath "$OLD")}
new_assay=$assay

# cluster_round NAME BINARY: one timed cluster run; sets cluster_wall.
cluster_round() {
  local name=$1
  assay=$2
  cluster_start_nats "nats-$name"
  cluster_start_worker "worker-$name" --role all --jobs "$jobs" --offline
  cluster_wait_workers 1
  local w0 n0
  w0=$(proc_cpu "$worker_pid")
  n0=$(proc_cpu "$nats_pid")
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/submit-$name" GSETTINGS_BACKEND=memory timeout 600 \
    /usr/bin/time -o "$tmp/submit-$name.time" -f "%U %S" \
    "$assay" --headless --cluster "$nats_url" --offline -o "$tmp/cluster-$name.json" "$tmp/pdfs" \
    2> "$tmp/submit-$name.log" || true
  end=$(date +%s.%N)
  cluster_wall=$(echo "$end - $start" | bc -l)
  # The worker's last helpers reaped, its acks sent.
  sleep 0.2
  cluster_cpu_parts="$(time_cpu "$tmp/submit-$name.time") $(echo "$(proc_cpu "$worker_pid") - $w0" | bc -l) $(echo "$(proc_cpu "$nats_pid") - $n0" | bc -l)"
  cluster_cpu=$(echo "$cluster_cpu_parts" | awk '{ printf "%.2f", $1 + $2 + $3 }')
  [ "$(count_done "$tmp/cluster-$name.json")" -eq "$n" ] || {
    echo "round $name: not every document came back; the server's state:" >&2
    cluster_dump_state
  }
  cluster_stop_all
  assay=$new_assay
}

if [ -n "$old" ]; then
  printf '%6s %10s %10s %8s %10s %8s\n' round "local s" "cluster s" ratio "old s" "old ratio"
else
  printf '%6s %10s %10s %8s %10s\n' round "local s" "cluster s" ratio results
fi
: > "$tmp/walls"
: > "$tmp/cpus"
for r in $(seq "$rounds"); do
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/local-$r" GSETTINGS_BACKEND=memory /usr/bin/time -o "$tmp/local-$r.time" -f "%U %S" \
    "$assay" --headless --offline --jobs "$jobs" -o "$tmp/local-$r.json" "$tmp/pdfs" 2> /dev/null || true
  end=$(date +%s.%N)
  local_wall=$(echo "$end - $start" | bc -l)
  local_cpu=$(time_cpu "$tmp/local-$r.time")

  # With OLD, the two builds take turns going first.
  old_wall=
  old_cpu=0
  if [ -n "$old" ] && [ $((r % 2)) -eq 0 ]; then
    cluster_round "old-$r" "$old"; old_wall=$cluster_wall; old_cpu=$cluster_cpu; old_parts=$cluster_cpu_parts
  fi
  cluster_round "$r" "$assay"
  new_wall=$cluster_wall
  new_cpu=$cluster_cpu
  new_parts=$cluster_cpu_parts
  if [ -n "$old" ] && [ $((r % 2)) -eq 1 ]; then
    cluster_round "old-$r" "$old"; old_wall=$cluster_wall; old_cpu=$cluster_cpu; old_parts=$cluster_cpu_parts
  fi
  printf '%6s cpu s: local %s, cluster %s (submitter, worker, nats-server: %s)%s\n' "" "$local_cpu" \
    "$new_cpu" "$(echo "$new_parts" | awk '{ printf "%.2f, %.2f, %.2f", $1, $2, $3 }')" \
    "$([ -n "$old" ] && echo "$old_parts" | awk -v t="$old_cpu" '{ printf "; old %s (%.2f, %.2f, %.2f)", t, $1, $2, $3 }')"
  echo "$local_cpu $new_cpu $old_cpu" >> "$tmp/cpus"

  if [ -n "$old" ]; then
    printf '%6d %10.2f %10.2f %8.3f %10.2f %8.3f   %s/%s/%s\n' "$r" "$local_wall" "$new_wall" \
      "$(echo "$new_wall / $local_wall" | bc -l)" "$old_wall" "$(echo "$old_wall / $local_wall" | bc -l)" \
      "$(count_done "$tmp/local-$r.json")" "$(count_done "$tmp/cluster-$r.json")" \
      "$(count_done "$tmp/cluster-old-$r.json")"
  else
    printf '%6d %10.2f %10.2f %8.3f %5s/%-4s\n' "$r" "$local_wall" "$new_wall" \
      "$(echo "$new_wall / $local_wall" | bc -l)" \
      "$(count_done "$tmp/local-$r.json")" "$(count_done "$tmp/cluster-$r.json")"
  fi
  echo "$local_wall $new_wall ${old_wall:-0}" >> "$tmp/walls"
done

python3 - "$tmp/walls" "$n" "$tmp/cpus" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
cpus = [tuple(map(float, l.split())) for l in open(sys.argv[3]) if l.strip()]
n = int(sys.argv[2])
lc = statistics.median(r[0] for r in cpus)
cc = statistics.median(r[1] for r in cpus)
print(f"median CPU: local {lc:.2f} s, cluster {cc:.2f} s, ratio {cc / lc:.3f}; "
      f"{(cc - lc) * 1000 / n:+.1f} ms of CPU per document")
if any(r[2] > 0 for r in cpus):
    oc = statistics.median(r[2] for r in cpus)
    print(f"old build CPU: cluster {oc:.2f} s, ratio {oc / lc:.3f}")
lo = statistics.median(r[0] for r in rows)
cl = statistics.median(r[1] for r in rows)
print(f"median: local {lo:.2f} s, cluster {cl:.2f} s, ratio {cl / lo:.3f}; "
      f"{(cl - lo) * 1000 / n:+.1f} ms per document")
if any(r[2] > 0 for r in rows):
    od = statistics.median(r[2] for r in rows)
    print(f"old build: cluster {od:.2f} s, ratio {od / lo:.3f}; "
          f"median of per-round ratios new/old "
          f"{statistics.median(r[1] / r[2] for r in rows):.3f}")
PY
