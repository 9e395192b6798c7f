#!/bin/sh
# with-display.sh CMD [ARGS…] — run CMD on a private X display and session bus.
#
# Widget and end-to-end tests need a display, and must not depend on one (or
# on a session bus) being there already. This starts Xvfb on a free display
# number (-displayfd picks it), runs CMD inside dbus-run-session so no bus,
# portal or at-spi process outlives it, and stops the Xvfb it started, by PID.
set -u

fifo_dir=$(mktemp -d) || exit 99
trap 'rm -rf "$fifo_dir"' EXIT
mkfifo "$fifo_dir/fd" || exit 99

Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp -noreset \
  3>"$fifo_dir/fd" >"$fifo_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; rm -rf "$fifo_dir"' EXIT

# Xvfb writes its display number once it accepts connections; give up after 20 s.
display=$(timeout 20 head -n 1 "$fifo_dir/fd")
if [ -z "$display" ]; then
  echo "with-display.sh: Xvfb did not start:" >&2
  cat "$fifo_dir/xvfb.log" >&2
  exit 99
fi

# Services the bus starts (portals, a keyring) write to its standard
# output; only CMD's own output goes to ours (a TAP stream must stay clean).
# XVFB_PID tells CMD which X server is its own (a benchmark reads its CPU).
exec 4>&1
DISPLAY=":$display" GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 XVFB_PID=$xvfb_pid \
  dbus-run-session -- sh -c 'exec "$@" >&4 4>&-' sh "$@" >&2
