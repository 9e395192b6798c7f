#!/bin/sh
# chart-line.sh BUILD_DIR [POINTS] — frame times of a line chart of POINTS
# (default 1,000,000) in a real window on a private display (Xvfb) with GTK's
# cairo renderer. Target: first frame after new data and each hover redraw
# under 16 ms. See docs/benchmarks.md.
set -eu
build=${1:-build}
points=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
ninja -C "$build" tests/bench-chart >/dev/null
exec "$here/../tests/with-display.sh" "$build/tests/bench-chart" "$points"
