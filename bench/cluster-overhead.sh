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

old=${OLD:+$(realpath "$OLD")}
new_assay=$assay

# cluster_round NAME BINARY: one timed cluster run; sets cluster_wall.
cluster_round() {
  local name=$1
  assay=$2
  cluster_start_nats "nats-$name"
  cluster_start_worker "worker-$name" --role all --jobs "$jobs" --offline
  cluster_wait_workers 1
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/submit-$name" GSETTINGS_BACKEND=memory timeout 600 \
    "$assay" --headless --cluster "$nats_url" --offline -o "$tmp/cluster-$name.json" "$tmp/pdfs" \
    2> "$tmp/submit-$name.log" || true
  end=$(date +%s.%N)
  cluster_wall=$(echo "$end - $start" | bc -l)
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
for r in $(seq "$rounds"); do
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/local-$r" GSETTINGS_BACKEND=memory \
    "$assay" --headless --offline --jobs "$jobs" -o "$tmp/local-$r.json" "$tmp/pdfs" 2> /dev/null || true
  end=$(date +%s.%N)
  local_wall=$(echo "$end - $start" | bc -l)

  # With OLD, the two builds take turns going first.
  old_wall=
  if [ -n "$old" ] && [ $((r % 2)) -eq 0 ]; then
    cluster_round "old-$r" "$old"; old_wall=$cluster_wall
  fi
  cluster_round "$r" "$assay"
  new_wall=$cluster_wall
  if [ -n "$old" ] && [ $((r % 2)) -eq 1 ]; then
    cluster_round "old-$r" "$old"; old_wall=$cluster_wall
  fi

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

python3 - "$tmp/walls" "$n" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
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
