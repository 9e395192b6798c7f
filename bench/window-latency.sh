#!/usr/bin/env bash
# Main-loop latency and memory of the window during a batch, under Xvfb.
#
#   bench/window-latency.sh [BUILD_DIR] [N] [MODES]
#
# MODES is "offline", "llm" or both ("offline llm", the default).
#
# Writes N distinct 3-page reports (default 200) with tests/make-pdfs,
# starts the window with an empty store and ASSAY_LATENCY_PROBE, hands it
# the files the way a person does from a terminal (a second `assay FILE…`,
# which passes them to the running instance), waits until N results are in
# the store, reads the window's peak resident memory (VmHWM) and its main
# thread's CPU time over the batch (and the X server's), and quits it with
# SIGTERM.
#
# "offline" runs the built-in extractor (the default settings). "llm" runs
# the target's batch: the tests' fake model server on 127.0.0.1 answering
# after 300 ms and streaming each answer over 50 ms (as bench/llm-streaming.sh
# does), the window pointed at it through its settings (a keyfile settings
# backend in the run's own directory: provider "openai-compatible", 8
# requests in flight, no offline fallback). Analysis runs for every document
# in both.
#
# Prints one line per mode: the probe's own summary over the whole run (what
# ASSAY_LATENCY_PROBE writes, idle time before and after the batch
# included), the same percentiles over the batch alone (from
# ASSAY_LATENCY_PROBE_SAMPLES), the main thread's CPU over the batch, the
# load average before the run, and the documents done.
#
# KEEP=DIR keeps each mode's probe samples and batch times in DIR.
# PROFILE=DIR records the main thread during each batch with
# `perf record --call-graph dwarf -t TID` into DIR/MODE.perf.data.
# PERF_EVENTS="-c 1 -e EVENT" records those events instead of CPU samples.
# DASHBOARD=1 shows the corpus dashboard as the batch starts (it updates live;
# KEEP=DIR also keeps a screenshot of it).
# Runs inside tests/with-display.sh (its own Xvfb and session bus).
set -euo pipefail
build=${1:-build}
n=${2:-200}
modes=${3:-offline llm}
here=$(cd "$(dirname "$0")/.." && pwd)
assay=$(realpath "$build/src/assay")
# The window needs its settings schema: the build tree's compiled one.
schemas=$(realpath "$build/data")
make_pdfs=$(realpath "$build/tests/make-pdfs")
server=$(realpath "$build/tests/fake-llm-server")
profile=${PROFILE:-}
[ -z "$profile" ] || profile=$(realpath "$profile")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/pdfs" "$n" 3 >/dev/null

# Percentiles (nearest rank, as the probe computes them) of the samples
# fired between two wall-clock times (µs).
batch_percentiles () {
  awk -v from="$2" -v to="$3" 'NF == 2 && $1 >= from && $1 <= to { print $2 }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "samples 0"; exit }
      r50 = int(0.50 * NR + 0.999999); r99 = int(0.99 * NR + 0.999999);
      printf "samples %d p50 %.2f ms p99 %.2f ms max %.2f ms", NR, v[r50] / 1000, v[r99] / 1000, v[NR] / 1000 }'
}

# Frames ended between two wall-clock times: how many (and in how many the
# window was measured again), p99 and max of their wall time, and their
# mean and largest CPU time (the main thread's, which load distorts less).
batch_frames () {
  awk -v from="$2" -v to="$3" '$1 == "f" && $2 >= from && $2 <= to { print $3, $4, $5 }' "$1" | sort -n |
    awk '{ w[NR] = $1; cpu += $2; resized += $3; if ($2 > cpu_max) cpu_max = $2 } END {
      if (NR == 0) { print "frames 0"; exit }
      r99 = int(0.99 * NR + 0.999999);
      printf "frames %d (%d resized) p99 %.1f max %.1f cpu %.2f/%.1f ms", NR, resized, w[r99] / 1000, w[NR] / 1000, cpu / NR / 1000, cpu_max / 1000 }'
}

printf '%-8s %-44s %-52s %-58s %-22s %-10s %-9s %-9s %s\n' mode "probe (whole run)" "batch only" \
  "frames in the batch (cpu mean/max)" "main thread CPU" "Xvfb CPU" "batch" "peak RSS" "load before / done"
for mode in $modes; do
  run="$tmp/$mode"
  mkdir -p "$run/config/glib-2.0/settings"
  settings_backend=memory
  server_pid=""
  if [ "$mode" = llm ]; then
    coproc SERVER { "$server" 300 50 4600; }
    server_pid=$SERVER_PID
    read -r url <&"${SERVER[0]}"
    settings_backend=keyfile
    cat > "$run/config/glib-2.0/settings/keyfile" <<KEYFILE
[io/github/assayapp/Assay]
provider='openai-compatible'
url='$url/v1'
model='bench'
max-requests=uint32 8
offline-fallback=false
local-ollama-offered=true
KEYFILE
  fi

  cat > "$run/run.sh" <<SCRIPT
#!/bin/sh
export XDG_DATA_HOME="$run/data" XDG_CONFIG_HOME="$run/config" XDG_CACHE_HOME="$run/cache"
export ASSAY_LATENCY_PROBE="$run/probe.json" ASSAY_LATENCY_PROBE_SAMPLES="$run/samples"
export GSETTINGS_BACKEND=$settings_backend GSETTINGS_SCHEMA_DIR="$schemas" GTK_A11Y=none
"$assay" &
pid=\$!
# The window is up once the probe runs; hand it the files.
sleep 2
cpu_ticks () { awk '{ print \$14 + \$15 }' /proc/\$pid/task/\$pid/stat; }
xvfb_ticks () { awk '{ print \$14 + \$15 }' /proc/\$XVFB_PID/stat 2>/dev/null || echo 0; }
if [ -n "$profile" ]; then
  perf record -q \${PERF_EVENTS:--F 1000} --call-graph dwarf,16384 -t \$pid -o "$profile/$mode.perf.data" 2>/dev/null &
  perf_pid=\$!
  sleep 0.5
fi
cpu0=\$(cpu_ticks)
x0=\$(xvfb_ticks)
start=\$(date +%s%6N)
"$assay" "$tmp"/pdfs/*.pdf
if [ -n "${DASHBOARD:-}" ]; then
  # The corpus dashboard's header button (view-grid), at the default window
  # size on the private display; shown once the list has rows.
  sleep 0.3
  xdotool mousemove 281 27 click 1
  sleep 1
  import -window root "$run/dashboard.png" 2>/dev/null || true
fi
limit=\$(( \$(date +%s) + 240 ))
while [ "\$(find "$run/data/assay/results" -name '*.json' 2>/dev/null | wc -l)" -lt "$n" ]; do
  [ "\$(date +%s)" -lt "\$limit" ] || { echo "gave up waiting" >&2; break; }
  sleep 0.1
done
end=\$(date +%s%6N)
cpu1=\$(cpu_ticks)
x1=\$(xvfb_ticks)
[ -z "$profile" ] || { kill -INT \$perf_pid; wait \$perf_pid; }
echo "\$start \$end \$(( (cpu1 - cpu0) * 1000 / \$(getconf CLK_TCK) )) \$(( (x1 - x0) * 1000 / \$(getconf CLK_TCK) ))" > "$run/batch"
grep VmHWM /proc/\$pid/status | awk '{ print \$2 }' > "$run/rss"
find "$run/data/assay/results" -name '*.json' | wc -l > "$run/done"
kill -TERM \$pid
wait \$pid
SCRIPT
  chmod +x "$run/run.sh"
  load=$(cut -d' ' -f1 /proc/loadavg)
  "$here/tests/with-display.sh" "$run/run.sh" 2>/dev/null
  requests=""
  if [ -n "$server_pid" ]; then
    exec {SERVER[1]}>&-
    read -r _ n_requests _ <&"${SERVER[0]}" || true
    requests=" ($n_requests requests)"
    wait "$server_pid" 2>/dev/null || true
  fi
  read -r start end cpu_ms xvfb_ms < "$run/batch"
  # An older build's probe writes no samples: those columns stay empty.
  [ -f "$run/samples" ] || : > "$run/samples"
  if [ -n "${KEEP:-}" ]; then
    for f in samples batch probe.json; do cp "$run/$f" "$KEEP/$mode.$f"; done
    [ ! -f "$run/dashboard.png" ] || cp "$run/dashboard.png" "$KEEP/$mode.dashboard.png"
  fi
  wall_ms=$(( (end - start) / 1000 ))
  whole=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("n %d p50 %.2f p99 %.2f max %.2f ms" % (d["samples"], d["p50_ms"], d["p99_ms"], d["max_ms"]))' "$run/probe.json")
  printf '%-8s %-44s %-52s %-58s %-22s %-10s %-9s %-9s %s\n' "$mode" "$whole" \
    "$(batch_percentiles "$run/samples" "$start" "$end")" \
    "$(batch_frames "$run/samples" "$start" "$end")" \
    "$cpu_ms ms ($(( cpu_ms * 100 / (wall_ms > 0 ? wall_ms : 1) ))%)" "${xvfb_ms:-0} ms" \
    "$(echo "scale=2; $wall_ms / 1000" | bc) s" "$(( $(cat "$run/rss") / 1024 )) MiB" \
    "$load / $(cat "$run/done")$requests"
done
