#!/usr/bin/env bash
# Streamed against whole answers: what a streamed answer costs the main thread.
#
#   bench/llm-streaming.sh [BUILD_DIR] [N_DOCS] [K] [LATENCY_MS] [STREAM_MS] [ANSWER_BYTES]
#
# Writes N_DOCS (200) one-page PDFs and starts the tests' fake model server
# on 127.0.0.1: LATENCY_MS (300) before the first byte, then the answer of
# about ANSWER_BYTES (4,600: ~1,150 tokens) streamed token by token over
# STREAM_MS (50) — an SSE event per token of 1–9 bytes (~900 events), CRLF or
# LF, comment lines, UTF-8 characters cut across writes. Runs
# `assay --headless --stats --max-requests K` (8) streamed and with
# --no-stream, each with an empty store, and prints both rows: wall time
# against the ideal N_DOCS / K × (latency + streaming), main-thread CPU per
# answer (from --stats), and the longest single dispatch reading and decoding an
# answer (thread CPU time, from --stats).
set -euo pipefail
build=${1:-build}
n=${2:-200}
k=${3:-8}
latency=${4:-300}
stream_ms=${5:-50}
answer_bytes=${6:-4600}
assay=$(realpath "$build/src/assay")
server=$(realpath "$build/tests/fake-llm-server")
make_pdfs=$(realpath "$build/tests/make-pdfs")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/pdfs" "$n" 1

ideal=$(echo "$n / $k * ($latency + $stream_ms) / 1000" | bc -l)
printf '%-10s %8s %8s %7s %10s %16s %12s %10s\n' run "wall s" "ideal s" ratio "requests" \
  "main CPU ms/ans" "dispatch ms" "done"
for mode in stream no-stream; do
  flag=""
  [ "$mode" = no-stream ] && flag="--no-stream"
  coproc SERVER { "$server" "$latency" "$stream_ms" "$answer_bytes"; }
  read -r url <&"${SERVER[0]}"
  start=$(date +%s.%N)
  XDG_DATA_HOME="$tmp/data-$mode" "$assay" --headless --stats $flag --llm-url "$url" \
    --model bench --max-requests "$k" -o "$tmp/out-$mode.json" "$tmp/pdfs" 2> "$tmp/stats-$mode" || true
  end=$(date +%s.%N)
  exec {SERVER[1]}>&-
  read -r _ requests _ _ _ <&"${SERVER[0]}"
  wait "$SERVER_PID" 2>/dev/null || true
  main_ms=$(grep -o 'main thread CPU: [0-9.]*' "$tmp/stats-$mode" | awk '{print $4}')
  stall=$(grep -o 'longest read dispatch [0-9.]*' "$tmp/stats-$mode" | awk '{print $4}' || true)
  done_n=$(grep -o '"status":"done"' "$tmp/out-$mode.json" | wc -l || true)
  wall=$(echo "$end - $start" | bc -l)
  printf '%-10s %8.2f %8.2f %7.3f %10d %16.2f %12s %10s\n' "$mode" "$wall" "$ideal" \
    "$(echo "$wall / $ideal" | bc -l)" "$requests" "$(echo "$main_ms / $n" | bc -l)" \
    "${stall:--}" "$done_n/$n"
done
