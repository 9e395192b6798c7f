#!/usr/bin/env bash
# Memory as the batch grows, and the cached re-run, side by side in one run;
# then memory and output size as a batch of look-alike documents grows.
#
#   bench/scaling-and-cache.sh [BUILD_DIR]
#   LOOK_ALIKE_MAX=1000 bench/scaling-and-cache.sh [BUILD_DIR]   # skip the 10,000
#   LOOK_ALIKE_MAX=0 bench/scaling-and-cache.sh [BUILD_DIR]      # first part only
#
# Writes 1,000 distinct 3-page reports with tests/make-pdfs (a fixed seed),
# then runs `assay --headless` over the first 100 and over all 1,000 with an
# empty store, measuring peak resident memory (GNU time's %M, the assay
# process itself; readers run in processes of their own, reported by
# --stats), and finally runs the 1,000 again with the store warm.
#
# Look-alike part: 10,000 copies of one 17-page report, each with its own
# document number on every page (tests/make-pdfs --alike: the contents and
# hashes differ, the text hardly does), run offline with --no-cache over the
# first 100, 1,000 and all 10,000; peak RSS and output size of each.
set -euo pipefail
build=${1:-build}
assay=$(realpath "$build/src/assay")
make_pdfs=$(realpath "$build/tests/make-pdfs")
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_pdfs" "$tmp/all" 1000 3
mkdir -p "$tmp/hundred"
for f in $(ls "$tmp/all" | head -100); do ln -s "$tmp/all/$f" "$tmp/hundred/$f"; done

measure() { # label, data dir, args…
  local label=$1 data=$2; shift 2
  XDG_DATA_HOME="$data" /usr/bin/time -f "%e %M" -o "$tmp/time" \
    "$assay" --headless --stats -o /dev/null "$@" 2> "$tmp/stats" || true
  read -r secs kib < "$tmp/time"
  reader=$(grep -o 'largest reader process: [0-9.]*' "$tmp/stats" | awk '{print $4}')
  printf '%-28s %8.2f s   peak RSS %7.1f MiB   largest reader %6.1f MiB\n' \
    "$label" "$secs" "$(echo "$kib / 1024" | bc -l)" "${reader:-0}"
  echo "$secs $kib" > "$tmp/$label.result"
}

measure "100 documents, cold"   "$tmp/data-100"  "$tmp/hundred/"
measure "1000 documents, cold"  "$tmp/data-1000" "$tmp/all"
# The cached run takes a few tenths of a second, where scheduling four
# threads on two cores shows: run it five times, report each and the median.
for i in 1 2 3 4 5; do
  measure "1000 documents, cached #$i" "$tmp/data-1000" "$tmp/all"
done

read -r s100 m100 < "$tmp/100 documents, cold.result"
read -r s1000 m1000 < "$tmp/1000 documents, cold.result"
read -r sfirst _ < "$tmp/1000 documents, cached #1.result"
smedian=$(for i in 1 2 3 4 5; do cut -d' ' -f1 "$tmp/1000 documents, cached #$i.result"; done | sort -n | sed -n 3p)
printf 'peak memory ratio (1000 / 100):        %.3f\n' "$(echo "$m1000 / $m100" | bc -l)"
printf 'cached re-run / cold run, first:       %.3f\n' "$(echo "$sfirst / $s1000" | bc -l)"
printf 'cached re-run / cold run, median of 5: %.3f\n' "$(echo "$smedian / $s1000" | bc -l)"

# Look-alike documents: memory and output as the batch grows.
max=${LOOK_ALIKE_MAX:-10000}
[ "$max" -ge 100 ] || exit 0
"$make_pdfs" --alike "$tmp/alike" "$max" 17
alike() { # n
  local n=$1
  mkdir -p "$tmp/alike-$n"
  for f in $(ls "$tmp/alike" | head -n "$n"); do ln -s "$tmp/alike/$f" "$tmp/alike-$n/$f"; done
  # --no-cache still saves results: into the temporary folder, not the user's store.
  XDG_DATA_HOME="$tmp/data-alike-$n" /usr/bin/time -f "%e %M" -o "$tmp/time" \
    "$assay" --headless --no-cache -o "$tmp/alike-$n.json" "$tmp/alike-$n" 2> /dev/null || true
  rm -rf "$tmp/data-alike-$n"
  read -r secs kib < "$tmp/time"
  bytes=$(stat -c %s "$tmp/alike-$n.json")
  groups=$(grep -o '"near_duplicate_groups":\[{"representative":[^,]*,"documents":[0-9]*' "$tmp/alike-$n.json" |
           grep -o '[0-9]*$' || echo 0)
  printf '%-28s %8.2f s   peak RSS %7.1f MiB   output %9d bytes (%6.0f per document)   largest group %s\n' \
    "$n look-alike documents" "$secs" "$(echo "$kib / 1024" | bc -l)" "$bytes" \
    "$(echo "$bytes / $n" | bc -l)" "${groups:-0}"
  echo "$kib" > "$tmp/alike-$n.kib"
  rm -f "$tmp/alike-$n.json"
}
for n in 100 1000 10000; do
  [ "$n" -le "$max" ] && alike "$n"
done
read -r a100 < "$tmp/alike-100.kib"
for n in 1000 10000; do
  [ -f "$tmp/alike-$n.kib" ] || continue
  read -r an < "$tmp/alike-$n.kib"
  printf 'look-alike peak memory ratio (%s / 100): %.3f\n' "$n" "$(echo "$an / $a100" | bc -l)"
done
