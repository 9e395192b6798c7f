#!/bin/sh
# check-translations.sh ASSAY PO_BUILD_DIR PO_SOURCE_DIR — the program follows the
# locale: --help, usage errors and the messages in headless results come out in
# German and French from the catalogues built under PO_BUILD_DIR; and every
# catalogue passes msgfmt --check (format strings match their msgids).
# The French texts have no-break spaces before “:” and inside « ».
set -u
assay=${1:?} po_build=${2:?} po_src=${3:?}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0

expect() {                          # expect LANG WHAT FILE TEXT
  if grep -qF -- "$4" "$3"; then
    echo "ok: $1: $2"
  else
    echo "FAIL: $1: $2: no “$4” in:"; sed 's/^/    /' "$3"; fails=$((fails + 1))
  fi
}

for po in "$po_src"/*.po; do
  if msgfmt --check -o /dev/null "$po" 2> "$tmp/msgfmt"; then
    echo "ok: $(basename "$po") passes msgfmt --check"
  else
    echo "FAIL: $(basename "$po"):"; cat "$tmp/msgfmt"; fails=$((fails + 1))
  fi
done

printf 'just some text\n' > "$tmp/notes.pdf"
run() {                             # run LANG ARGS… (stdout+stderr to $tmp/out)
  l=$1; shift
  env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$l" ASSAY_LOCALEDIR="$po_build" \
    XDG_DATA_HOME="$tmp/data" "$assay" "$@" > "$tmp/out" 2>&1
  echo $? > "$tmp/rc"
}

run de --headless --help
expect de "--help" "$tmp/out" "Ohne Fenster ausführen: die Dateien verarbeiten und die Ergebnisse schreiben"
run de --headless --format xml "$tmp/notes.pdf"
expect de "usage error" "$tmp/out" "Unbekanntes Format „xml“: Verwenden Sie json oder csv."
expect de "usage error exits 2" "$tmp/rc" "2"
run de --headless --no-cache "$tmp/notes.pdf"
expect de "a document's error in the JSON" "$tmp/out" "keine PDF-Datei (sieht aus wie reiner Text)"

run fr --headless --help
expect fr "--help" "$tmp/out" "Fonctionne sans fenêtre : traite les fichiers et écrit les résultats"
run fr --headless --format xml "$tmp/notes.pdf"
expect fr "usage error" "$tmp/out" "Format « xml » inconnu : utilisez json ou csv."
run fr --headless --no-cache "$tmp/notes.pdf"
expect fr "a document's error in the JSON" "$tmp/out" "pas un fichier PDF (cela ressemble à du texte brut)"

# Without a catalogue for the language, the English text.
run C --headless --format xml "$tmp/notes.pdf"
expect C "usage error" "$tmp/out" "Unknown format “xml”: use json or csv."

[ $fails -eq 0 ]
