#!/usr/bin/env bash
# Launch to the first drawn frame, with no previous session and with one of
# 10,000 documents, under Xvfb.
#
#   bench/window-launch.sh [BUILD_DIR] [RUNS]
#
# Each run starts the window with ASSAY_LATENCY_PROBE (which also records
# "first_frame_ms": from the application's start to its first window's
# first paint), lets it settle for a second, quits it with SIGTERM and reads
# the figure. The 10,000-document session is written as the window writes
# it (session.json, done documents): restoring it reads nothing else.
set -euo pipefail
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
assay=$(realpath "$build/src/assay")
# The window needs its settings schema: the build tree's compiled one.
schemas=$(realpath "$build/data")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty" "$tmp/big/assay"
python3 - "$tmp/big/assay/session.json" <<'PY'
import hashlib, json, sys
docs = []
for i in range(10000):
    path = f"/srv/archive/{i // 100:04d}/statement-{i:05d}.pdf"
    docs.append({"path": path, "sha256": hashlib.sha256(path.encode()).hexdigest(),
                 "state": "done", "template_key": "general", "extractor_id": "offline.a1",
                 "size": 20000 + i, "pages": 1 + i % 9, "figures": i % 13, "verified": i % 13,
                 "title": None, "cached": False, "error_stage": None, "error_message": None,
                 "duplicate_of": None})
json.dump({"session_version": 1, "documents": docs}, open(sys.argv[1], "w"))
PY

cat > "$tmp/run.sh" <<SCRIPT
#!/bin/sh
# run.sh DATA_DIR: one launch; prints first_frame_ms
XDG_DATA_HOME="\$1" ASSAY_LATENCY_PROBE="$tmp/probe.json" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$schemas" GTK_A11Y=none \
  "$assay" &
pid=\$!
sleep 3
kill -TERM \$pid
wait \$pid
SCRIPT
chmod +x "$tmp/run.sh"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for label in empty big; do
  for i in $(seq "$runs"); do
    cp -r "$tmp/$label" "$tmp/run-data"
    "$here/tests/with-display.sh" "$tmp/run.sh" "$tmp/run-data" 2>/dev/null
    ms=$(python3 -c "import json; print(json.load(open('$tmp/probe.json')).get('first_frame_ms'))")
    echo "$label session, run $i: first frame after $ms ms"
    rm -rf "$tmp/run-data" "$tmp/probe.json"
  done
done
