#!/usr/bin/env bash
# Requests in flight against one model endpoint, measured on the server side.
#
#   bench/llm-concurrency.sh [BUILD_DIR] [N_DOCS] [LATENCY_MS]
#
# Writes N_DOCS (200) one-page PDFs, starts the tests' fake model server on
# 127.0.0.1 with a fixed latency (300 ms) per request, and runs
# `assay --headless --llm-url … --max-requests K` for K = 1, 2, 4, 8, 16
# with an empty store, against the ideal N_DOCS / K × latency. The server
# reports the most requests it had in flight at once. Also reports the CPU
# time of assay's main thread per request (building requests, HTTP, parsing
# and validating answers, plus the pipeline's bookkeeping: an upper bound of
# the per-request cost; reading and analysis run on other threads) and, for
# scale, the whole process's CPU per document.
set -euo pipefail
build=${1:-build}
n=${2:-200}
latency=${3:-300}
assay=$(realpath "$build/src/assay")
server=$(realpath "$build/tests/fake-llm-server")
make_pdfs=$(realpath "$build/tests/make-pdfs")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/pdfs" "$n" 1

printf '%4s %10s %10s %8s %14s %18s %16s\n' K "wall s" "ideal s" ratio "server max K" \
  "main CPU ms/req" "all CPU ms/doc"
for k in 1 2 4 8 16; do
  coproc SERVER { "$server" "$latency"; }
  read -r url <&"${SERVER[0]}"
  XDG_DATA_HOME="$tmp/data-$k" /usr/bin/time -f "%e %U %S" -o "$tmp/time" \
    "$assay" --headless --stats --no-stream --llm-url "$url" --model bench --max-requests "$k" \
    -o /dev/null "$tmp/pdfs" 2> "$tmp/stats" || true
  main_ms=$(grep -o 'main thread CPU: [0-9.]*' "$tmp/stats" | awk '{print $4}')
  exec {SERVER[1]}>&-
  read -r _ requests _ max_in_flight _ <&"${SERVER[0]}"
  wait "$SERVER_PID" 2>/dev/null || true
  read -r wall user sys < "$tmp/time"
  ideal=$(echo "$n / $k * $latency / 1000" | bc -l)
  printf '%4d %10.2f %10.2f %8.3f %14d %18.2f %16.2f\n' "$k" "$wall" "$ideal" \
    "$(echo "$wall / $ideal" | bc -l)" "$max_in_flight" \
    "$(echo "$main_ms / $requests" | bc -l)" "$(echo "($user + $sys) * 1000 / $n" | bc -l)"
done
