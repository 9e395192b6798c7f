#!/usr/bin/env bash
# Nothing lost when the server goes away while a batch is being submitted.
#
#   bench/cluster-outage.sh [BUILD_DIR] [N_DOCS] [AT_S] [OUT_S]
#
# Writes N_DOCS (200) three-page PDFs, starts nats-server -js on a free
# loopback port (store in a temporary folder) and one `assay --worker
# --role all --offline`, then `assay --headless --cluster --offline` over
# them. AT_S (0.03) seconds into the batch nats-server gets SIGKILL; OUT_S
# (12) seconds later it starts again on the same port with the same store
# (longer than JetStream's 10 s acknowledgement timeout, so uploads and jobs
# in flight go unanswered). Prints the documents and their states in the
# submitter's output and how many went again; exit status 0 only when every
# document came back done. A kill that lands before the submitter's own
# start-up is over (on a busy machine) makes it stop at once, as it should
# ("cannot make the object store …: Timeout"): run again, or give AT_S a
# little more; one after the uploads went reports "went again: 0".
set -euo pipefail
build=${1:-build}
n=${2:-200}
at=${3:-0.03}
out=${4:-12}
assay=$(realpath "$build/src/assay")
make_pdfs=$(realpath "$build/tests/make-pdfs")
tmp=$(mktemp -d)
# shellcheck source=bench/cluster-lib.sh
. "$(dirname "$0")/cluster-lib.sh"
trap 'cluster_stop_all; rm -rf "$tmp"' EXIT

"$make_pdfs" "$tmp/pdfs" "$n" 3 > /dev/null
cluster_start_nats nats
port=${nats_url##*:}
cluster_start_worker worker --role all --jobs "$(nproc)" --offline
cluster_wait_workers 1

XDG_DATA_HOME="$tmp/submit" GSETTINGS_BACKEND=memory G_MESSAGES_DEBUG=assay-cluster-submitter \
  timeout 300 "$assay" --headless --cluster "$nats_url" --offline -o "$tmp/out.json" "$tmp/pdfs" \
  > "$tmp/submit.log" 2>&1 &
submitter=$!
sleep "$at"
kill -KILL "$nats_pid"
wait "$nats_pid" 2> /dev/null || true
echo "nats-server killed at $at s; back in $out s"
sleep "$out"
nats-server -js -a 127.0.0.1 -p "$port" -sd "$tmp/nats/store" > "$tmp/nats-again.log" 2>&1 &
nats_pid=$!
cluster_pids+=("$nats_pid")
status=0
wait "$submitter" || status=$?
echo "submitter exit $status; went again: $(grep -c 'Submitting .* again' "$tmp/submit.log" || true)"
python3 - "$tmp/out.json" "$n" <<'PY' || { echo "the submitter's log ends:"; tail -n 20 "$tmp/submit.log"; exit 1; }
import collections, json, sys
try:
    docs = json.load(open(sys.argv[1]))["documents"]
except (OSError, ValueError) as e:
    sys.exit(f"no output: {e}")
states = collections.Counter(d.get("status") for d in docs)
print(f"{len(docs)} documents, states {dict(states)}")
sys.exit(0 if len(docs) == int(sys.argv[2]) and states.get("done") == len(docs) else 1)
PY
