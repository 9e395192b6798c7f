#!/usr/bin/env bash
# Scrolling and selection in a list of 10,000 documents, under Xvfb.
#
#   bench/window-scroll.sh [BUILD_DIR] [N]
#
# Writes a previous session of N documents (default 10,000; done, as the
# window writes session.json, like bench/window-launch.sh), starts the
# window on it with ASSAY_LATENCY_PROBE and ASSAY_LATENCY_PROBE_SAMPLES,
# waits for the list, then drives it with xdotool as a person would:
#
#   wheel    200 wheel steps down over the list, 15 ms apart, then 100 up
#   keys     a click on a row, then Down 150 times (each selects the next
#            document, which the document view then shows), 30 ms apart
#   jumps    End, Home, Page Down ×10, End, Home, 300 ms apart (a jump
#            binds every row the list keeps to other documents)
#
# KEEP=DIR keeps the probe's samples and the parts' marks there.
# PROFILE=FILE records the main thread with perf (call graphs) meanwhile.
# RESULTS=1 gives every document a stored result (one real report's,
# extracted offline with assay --headless, linked under each document's
# key), so that the document view shows results rather than "Results Not
# Available"; HEADLESS=BINARY makes that result with another build's assay.
#
# and prints, per part, the main thread's CPU time, the probe's lateness
# percentiles and the frames in it (as bench/window-latency.sh does; an
# older build's probe writes no samples: zeros), then the window's peak resident
# memory (VmHWM), its resident memory at the end (VmRSS) and the probe's
# summary over the whole run.
set -euo pipefail
build=${1:-build}
n=${2:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
assay=$(realpath "$build/src/assay")
schemas=$(realpath "$build/data")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data/assay"
template=general extractor=offline.a1
if [ -n "${RESULTS:-}" ]; then
  "$(realpath "$build/tests/make-pdfs")" "$tmp/pdfs" 1 3 >/dev/null
  XDG_DATA_HOME="$tmp/data" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$schemas" \
    "${HEADLESS:-$assay}" --headless --offline -o /dev/null "$tmp"/pdfs/*.pdf
  stored=$(find "$tmp/data/assay/results" -name '*.json')
  key=$(basename "$stored" .json)
  template=$(echo "$key" | cut -d+ -f2) extractor=$(echo "$key" | cut -d+ -f3)
fi
python3 - "$tmp/data/assay/session.json" "$n" "$template" "$extractor" "${stored:-}" <<'PY'
import hashlib, json, os, sys
template, extractor, stored = sys.argv[3], sys.argv[4], sys.argv[5]
docs = []
for i in range(int(sys.argv[2])):
    path = f"/srv/archive/{i // 100:04d}/statement-{i:05d}.pdf"
    sha = hashlib.sha256(path.encode()).hexdigest()
    if stored:
        shard = os.path.join(os.path.dirname(os.path.dirname(stored)), sha[:2])
        os.makedirs(shard, exist_ok=True)
        os.link(stored, os.path.join(shard, f"{sha}+{template}+{extractor}.json"))
    docs.append({"path": path, "sha256": sha,
                 "state": "done", "template_key": template, "extractor_id": extractor,
                 "size": 20000 + i, "pages": 1 + i % 9, "figures": i % 13, "verified": i % 13,
                 "title": None, "cached": False, "error_stage": None, "error_message": None,
                 "duplicate_of": None})
json.dump({"session_version": 1, "documents": docs}, open(sys.argv[1], "w"))
PY

cat > "$tmp/run.sh" <<SCRIPT
#!/bin/sh
export XDG_DATA_HOME="$tmp/data" ASSAY_LATENCY_PROBE="$tmp/probe.json" ASSAY_LATENCY_PROBE_SAMPLES="$tmp/samples"
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$schemas" GTK_A11Y=none
"$assay" &
pid=\$!
sleep 4
if [ -n "${PROFILE:-}" ]; then
  perf record -q -F 1000 --call-graph dwarf,16384 -t \$pid -o "${PROFILE:-}" 2>/dev/null &
  perf_pid=\$!
  sleep 0.5
fi
mark () { echo "\$1 \$(date +%s%6N) \$(awk '{ print \$14 + \$15 }' /proc/\$pid/task/\$pid/stat)" >> "$tmp/marks"; }
# Over the list (the window is at 0,0, 1100 × 720; the list is its left pane).
xdotool mousemove 190 420
mark wheel
xdotool click --repeat 200 --delay 15 5
xdotool click --repeat 100 --delay 15 4
mark keys
xdotool click 1
xdotool key --repeat 150 --delay 30 Down
mark jumps
for k in End Home Page_Down Page_Down Page_Down Page_Down Page_Down Page_Down Page_Down Page_Down Page_Down Page_Down End Home; do
  xdotool key \$k
  sleep 0.3
done
mark end
[ -z "${PROFILE:-}" ] || { kill -INT \$perf_pid; wait \$perf_pid; }
grep -E 'VmHWM|VmRSS' /proc/\$pid/status | awk '{ print \$2 }' > "$tmp/mem"
kill -TERM \$pid
wait \$pid
SCRIPT
chmod +x "$tmp/run.sh"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/tests/with-display.sh" "$tmp/run.sh" 2>/dev/null
[ -z "${KEEP:-}" ] || { mkdir -p "$KEEP"; cp "$tmp/samples" "$tmp/marks" "$KEEP/"; }

python3 - "$tmp/samples" "$tmp/marks" "$tmp/mem" "$tmp/probe.json" <<'PY'
import json, os, sys
rows = [l.split() for l in open(sys.argv[1])] if os.path.exists(sys.argv[1]) else []
tick = os.sysconf("SC_CLK_TCK")
marks = [l.split() for l in open(sys.argv[2])]
hwm, rss = [int(x) for x in open(sys.argv[3]).read().split()]
def pct(v, f):
    return v[max(1, min(len(v), int(f * len(v) + 0.999999))) - 1] if v else 0
for (name, start, cpu0), (_, end, cpu1) in zip(marks, marks[1:]):
    start, end = int(start), int(end)
    cpu_ms = (int(cpu1) - int(cpu0)) * 1000 / tick
    late = sorted(int(r[1]) for r in rows if len(r) == 2 and start <= int(r[0]) <= end)
    frames = sorted((int(r[2]), int(r[3]), int(r[4])) for r in rows
                    if len(r) == 5 and start <= int(r[1]) <= end)
    wall = [f[0] for f in frames]
    print("%-6s %5.1f s  main thread %5.0f ms  samples %4d p50 %5.2f p99 %6.2f max %6.2f ms | "
          "frames %4d (%d resized) p99 %6.2f max %6.2f cpu %.2f ms" %
          (name, (end - start) / 1e6, cpu_ms, len(late), pct(late, .5) / 1e3, pct(late, .99) / 1e3,
           (late[-1] if late else 0) / 1e3, len(frames), sum(f[2] for f in frames),
           pct(wall, .99) / 1e3, (wall[-1] if wall else 0) / 1e3,
           sum(f[1] for f in frames) / max(1, len(frames)) / 1e3))
print("peak RSS %.0f MiB, at the end %.0f MiB" % (hwm / 1024, rss / 1024))
d = json.load(open(sys.argv[4]))
print("probe over the whole run: samples %d p50 %.2f p99 %.2f max %.2f ms" %
      (d["samples"], d["p50_ms"], d["p99_ms"], d["max_ms"]))
PY
