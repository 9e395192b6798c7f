#!/usr/bin/env bash
# Main-loop latency and memory of the window during a batch, under Xvfb.
#
#   bench/window-latency.sh [BUILD_DIR] [N]
#
# Writes N distinct 3-page reports (default 200) with tests/make-pdfs,
# starts the window with an empty store and ASSAY_LATENCY_PROBE, hands it
# the folder the way a file manager's "Open With" does (a second `assay
# FOLDER`, which passes it to the running instance), waits until N results
# are in the store, reads the window's peak resident memory (VmHWM), and
# quits it with SIGTERM; the probe's summary is printed. Runs inside
# tests/with-display.sh (its own Xvfb and session bus).
set -euo pipefail
build=${1:-build}
n=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
assay=$(realpath "$build/src/assay")
# The window needs its settings schema: the build tree's compiled one.
schemas=$(realpath "$build/data")
make_pdfs=$(realpath "$build/tests/make-pdfs")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/pdfs" "$n" 3 >/dev/null

cat > "$tmp/run.sh" <<SCRIPT
#!/bin/sh
export XDG_DATA_HOME="$tmp/data" ASSAY_LATENCY_PROBE="$tmp/probe.json" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$schemas" GTK_A11Y=none
"$assay" &
pid=\$!
# The window is up once the probe runs; hand it the folder.
sleep 2
start=\$(date +%s.%N)
"$assay" "$tmp/pdfs"
limit=\$(( \$(date +%s) + 180 ))
while [ "\$(find "$tmp/data/assay/results" -name '*.json' 2>/dev/null | wc -l)" -lt "$n" ]; do
  [ "\$(date +%s)" -lt "\$limit" ] || { echo "gave up waiting" >&2; break; }
  sleep 0.2
done
end=\$(date +%s.%N)
grep VmHWM /proc/\$pid/status
kill -TERM \$pid
wait \$pid
echo "batch: \$(echo "\$end - \$start" | bc) s"
SCRIPT
chmod +x "$tmp/run.sh"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/tests/with-display.sh" "$tmp/run.sh" 2>/dev/null
echo "probe: $(cat "$tmp/probe.json")"
