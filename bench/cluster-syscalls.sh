#!/usr/bin/env bash
# The system calls of a local run and of the cluster's submitter, side by
# side: where the submitter's CPU beyond a local run goes (thread hand-offs
# show as futex calls; the store's work as fsync, rename, openat).
#
#   bench/cluster-syscalls.sh [BUILD_DIR] [N_DOCS] [PAGES]
#
# Writes N_DOCS (100) PDFs of PAGES (3) pages, runs
#   local:     assay --headless --offline -o … DIR           (its reader helpers included)
#   submitter: assay --headless --cluster URL --offline -o … DIR
# each under `strace -f -c`, the second against one `assay --worker URL
# --role all` on a fresh nats-server -js (free port, store in a temporary
# folder; see cluster-lib.sh), and prints the two summaries and the calls
# of each kind a document. Needs strace (apt-get install strace).
set -euo pipefail
build=${1:-build}
n=${2:-100}
pages=${3:-3}
assay=$(realpath "$build/src/assay")
make_pdfs=$(realpath "$build/tests/make-pdfs")
tmp=$(mktemp -d)
# shellcheck source=bench/cluster-lib.sh
source "$(dirname "$0")/cluster-lib.sh"
trap 'cluster_stop_all; rm -rf "$tmp"' EXIT

"$make_pdfs" "$tmp/pdfs" "$n" "$pages" >/dev/null
XDG_DATA_HOME="$tmp/local/data" XDG_CACHE_HOME="$tmp/local/cache" GSETTINGS_BACKEND=memory \
  strace -f -c -o "$tmp/local.strace" "$assay" --headless --offline -o "$tmp/local.json" "$tmp/pdfs" >/dev/null 2>&1

cluster_start_nats server
cluster_start_worker w1 --role all
cluster_wait_workers 1
XDG_DATA_HOME="$tmp/sub/data" XDG_CACHE_HOME="$tmp/sub/cache" GSETTINGS_BACKEND=memory \
  strace -f -c -o "$tmp/submitter.strace" "$assay" --headless --cluster "$nats_url" --offline \
  -o "$tmp/submitter.json" "$tmp/pdfs" >/dev/null 2>&1

for side in local submitter; do
  echo "== $side ($n documents)"
  awk -v n="$n" 'NR > 2 && $1 ~ /^[0-9.]+$/ && NF >= 5 {
      printf "  %-12s %8d calls  %6.1f a document\n", $NF, $4, $4 / n }' "$tmp/$side.strace" | head -12
done
