#!/usr/bin/env bash
# What 10,000 documents of a previous session cost the main thread.
#
#   bench/session-restore.sh [BUILD_DIR] [ROUNDS]
#
# Runs the /assay/session/ten-thousand test ROUNDS times (default 5): it
# saves a session of 10,000 documents (9,800 done, 200 failed), then
# restores it into a new pipeline, and prints per round the main thread's
# share of the save (the snapshot) and of the restore (finishing the task
# and assay_pipeline_add_restored), and the wall time until the file was
# written (JSON built and written on the worker pool).
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
test_bin=$(realpath "$build/tests/test-session")
reader=$(realpath "$build/src/assay-pdf-reader")

for _ in $(seq "$rounds"); do
  ASSAY_BENCH=1 ASSAY_PDF_READER="$reader" "$test_bin" -q -p /assay/session/ten-thousand 2>&1 \
    | grep '^session '
done
