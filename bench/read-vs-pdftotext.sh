#!/usr/bin/env bash
# Read stage against pdftotext, side by side in one run.
#
#   bench/read-vs-pdftotext.sh [BUILD_DIR]
#
# Corpus: Debian's large documentation PDFs (r-doc-pdf, octave-doc,
# gnuplot-doc, c++-annotations-pdf; installed if missing). Compares the wall
# time of pdftotext run serially over every file with that of
# `assay --headless --offline --no-cache` over the same files, and the amount
# of text each got (characters, whitespace excluded, since the two lay out
# spaces and line breaks differently).
set -euo pipefail
build=${1:-build}
assay=$(realpath "$build/src/assay")

pkgs=(r-doc-pdf octave-doc gnuplot-doc c++-annotations-pdf)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Each distinct content once (the packages link some manuals twice; assay
# would process a copy once, pdftotext twice).
mapfile -t files < <(dpkg -L "${pkgs[@]}" | grep -E '\.pdf$' | while read -r f; do [ -f "$f" ] && realpath "$f"; done \
                     | sort -u | xargs sha256sum | sort -k1,1 -u | awk '{print $2}' | sort)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pages=0
for f in "${files[@]}"; do
  n=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
  pages=$((pages + ${n:-0}))
done
echo "corpus: ${#files[@]} files, $pages pages, $(du -ch "${files[@]}" | tail -1 | cut -f1)"

# Warm the page cache so neither side pays for the disk.
cat "${files[@]}" > /dev/null

# This machine's speed drifts by several percent over a minute: run both
# sides three times, alternating, and compare the medians.
rounds=${ROUNDS:-3}
for r in $(seq "$rounds"); do
  t0=$(date +%s.%N)
  for f in "${files[@]}"; do pdftotext "$f" "$tmp/$(basename "$f").txt"; done
  t1=$(date +%s.%N)
  rm -rf "$tmp/data"
  XDG_DATA_HOME="$tmp/data" "$assay" --headless --offline --no-cache -o "$tmp/assay.json" "${files[@]}"
  t2=$(date +%s.%N)
  p=$(echo "$t1 - $t0" | bc -l); a=$(echo "$t2 - $t1" | bc -l)
  echo "$p" >> "$tmp/pdftotext.times"; echo "$a" >> "$tmp/assay.times"
  printf 'round %d: pdftotext %6.2f s, assay %6.2f s, ratio %.3f\n' "$r" "$p" "$a" "$(echo "$a / $p" | bc -l)"
done

median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
pdftotext_s=$(median "$tmp/pdftotext.times")
assay_s=$(median "$tmp/assay.times")

pdftotext_chars=$(cat "$tmp"/*.txt | tr -d '[:space:]\f' | wc -m)
assay_chars=$(python3 - "$tmp/assay.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
print(sum(d["source"].get("characters", 0) for d in run["documents"]))
PY
)

printf 'pdftotext (serial), median: %8.2f s   %12d characters\n' "$pdftotext_s" "$pdftotext_chars"
printf 'assay --headless, median:   %8.2f s   %12d characters\n' "$assay_s" "$assay_chars"
printf 'time ratio (medians, assay / pdftotext): %.3f   text ratio: %.4f\n' \
  "$(echo "$assay_s / $pdftotext_s" | bc -l)" "$(echo "$assay_chars / $pdftotext_chars" | bc -l)"
