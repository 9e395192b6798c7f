#!/usr/bin/env bash
# Who lays the window out, frame by frame, during bench/window-latency.sh.
#
#   bench/who-relayouts.sh [BUILD_DIR] [N] [MODE] [DEPTH]
#
# Runs the window (only the first instance; the `assay FILE…` that hands it
# the batch runs as usual) under gdb with bench/who-relayouts.py, through
# bench/window-latency.sh (DASHBOARD=1 and the rest pass through), then
# prints each frame of the run: R when the window was measured again, and
# who asked for a resize (QR), an allocation (QA) or a layout phase
# (LAYOUT: on X11 the toplevel's compute-size), by type, ancestors and the
# first DEPTH (default 4) named callers. Timing under gdb is slower than
# the real run: read it for who asks, not for how long.
set -euo pipefail
build=$(realpath "${1:-build}")
n=${2:-200}
mode=${3:-offline}
depth=${4:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/src"
ln -s "$build/data" "$fake/data"
ln -s "$build/tests" "$fake/tests"
export WHO_RELAYOUTS_LOG=${WHO_RELAYOUTS_LOG:-$PWD/who-relayouts.log}
cat > "$fake/src/assay" <<WRAPPER
#!/bin/sh
if [ \$# -eq 0 ]; then
  exec gdb -q -batch -x "$here/bench/who-relayouts.py" --args "$build/src/assay" >/dev/null 2>&1
fi
sleep 4   # gdb starts the window more slowly
exec "$build/src/assay" "\$@"
WRAPPER
chmod +x "$fake/src/assay"
"$here/bench/window-latency.sh" "$fake" "$n" "$mode" >/dev/null 2>&1 || true
python3 - "$WHO_RELAYOUTS_LOG" "$depth" <<'PY'
import collections, re, sys
frames, pending, resized = [], [], False
for line in open(sys.argv[1]):
    head, _, calls = line.rstrip('\n').partition(' | ')
    fields = head.split()
    if fields[1] == 'FRAME':
        frames.append((float(fields[0]), resized, pending))
        pending, resized = [], False
    elif fields[1] == 'RESIZED':
        resized = True
    else:
        who = ' '.join(fields[2:3] + fields[4:])
        named = [c for c in calls.split(' < ') if not re.fullmatch(r'[0-9a-f]+', c)
                 and not c.startswith('g_') and c != 'main']
        pending.append('%s %s : %s' % (fields[1], who, ' < '.join(named[:int(sys.argv[2])]) or '(GTK)'))
if not frames:
    sys.exit('no frames logged')
t0 = frames[0][0]
for t, r, asks in frames:
    print('%8.3f %s %d' % (t - t0, 'R' if r else '-', len(asks)))
    for what, k in collections.Counter(asks).most_common(8):
        print('          %3d %s' % (k, what[:200]))
PY
