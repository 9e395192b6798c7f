#!/usr/bin/env bash
# A hostile endpoint: a share of requests fails in mixed ways.
#
#   bench/llm-faults.sh [BUILD_DIR] [N_DOCS] [K] [FAULT_RATE] [RETRIES] [SEED]
#
# Writes N_DOCS (60) one-page PDFs and starts the tests' fake model server
# on 127.0.0.1 (300 ms latency, answers streamed token by token over 50 ms)
# with FAULT_RATE (0.3) of the requests given a random fault: 429 with
# Retry-After (seconds) or retry-after-ms, 500, 503 with
# x-ratelimit-remaining-requests: 0 and x-ratelimit-reset-requests, a
# dropped connection, broken JSON, an answer cut off at the length limit,
# JSON wrapped in prose, a stream that stops early. A 429/503 that names a
# delay opens a window on the server: it counts every request that arrives
# inside it ("early"). Runs `assay --headless --max-requests K (4)
# --retries RETRIES (5)` under a 300 s guard and prints documents done and
# failed, requests, faults served, early requests and the wall time.
set -euo pipefail
build=${1:-build}
n=${2:-60}
k=${3:-4}
rate=${4:-0.3}
retries=${5:-5}
seed=${6:-1}
assay=$(realpath "$build/src/assay")
server=$(realpath "$build/tests/fake-llm-server")
make_pdfs=$(realpath "$build/tests/make-pdfs")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/pdfs" "$n" 1

coproc SERVER { "$server" 300 50 0 "$rate" "$seed"; }
read -r url <&"${SERVER[0]}"
start=$(date +%s.%N)
status=0
XDG_DATA_HOME="$tmp/data" timeout 300 "$assay" --headless --stats --llm-url "$url" --model bench \
  --max-requests "$k" --retries "$retries" -o "$tmp/out.json" "$tmp/pdfs" 2> "$tmp/stats" || status=$?
end=$(date +%s.%N)
exec {SERVER[1]}>&-
read -r _ requests _ _ _ early _ faults <&"${SERVER[0]}"
wait "${SERVER_PID:-}" 2>/dev/null || true

done_n=$(grep -o '"status":"done"' "$tmp/out.json" | wc -l || true)
failed_n=$(grep -o '"status":"failed"' "$tmp/out.json" | wc -l || true)
printf '%6s %6s %8s %9s %7s %7s %8s %7s\n' docs done failed requests faults early "wall s" exit
printf '%6d %6d %8d %9d %7d %7d %8.2f %7d\n' "$n" "$done_n" "$failed_n" "$requests" "$faults" \
  "$early" "$(echo "$end - $start" | bc -l)" "$status"
grep -o '"message":"[^"]*"' "$tmp/out.json" | sort | uniq -c | sort -rn | head -5 || true
[ "$status" -ne 124 ] || echo "assay did not finish within 300 s" >&2
