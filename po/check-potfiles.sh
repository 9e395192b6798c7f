#!/bin/sh
# check-potfiles.sh SOURCE_ROOT — fails when po/POTFILES.in misses a file with
# translatable strings, or lists a file that is gone or has none, or when a
# translatable C string is cut short by a format macro.
#
# Translatable: C sources with _(), N_(), C_(), NC_(), ngettext/g_dngettext/
# g_dpgettext2; GtkBuilder files with translatable="yes"; desktop, metainfo and
# GSettings schema sources under data/.
set -u
cd "${1:?usage: check-potfiles.sh SOURCE_ROOT}" || exit 99

listed=$(mktemp) && wanted=$(mktemp) || exit 99
trap 'rm -f "$listed" "$wanted"' EXIT

sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' po/POTFILES.in | sort -u > "$listed"
{
  find src -name '*.[ch]' -type f -print0 2>/dev/null \
    | xargs -0 grep -lE '(^|[^A-Za-z0-9_])(N?C?_|ngettext|g_dngettext|g_dpgettext2?) ?\( *("|$)' 2>/dev/null
  find data -name '*.ui' -type f -print0 2>/dev/null | xargs -0 grep -l 'translatable="yes"' 2>/dev/null
  find data -maxdepth 1 -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \) 2>/dev/null
  find data -maxdepth 1 -type f -name '*.gschema.xml' -print0 2>/dev/null \
    | xargs -0 grep -lE '<(summary|description)' 2>/dev/null
} | sed 's|^\./||' | sort -u > "$wanted"

status=0
missing=$(comm -13 "$listed" "$wanted")
if [ -n "$missing" ]; then
  echo "po/POTFILES.in lacks these files with translatable strings:"
  echo "$missing" | sed 's/^/  /'
  status=1
fi
stale=$(comm -23 "$listed" "$wanted")
if [ -n "$stale" ]; then
  echo "po/POTFILES.in lists files that are gone or have no translatable strings:"
  echo "$stale" | sed 's/^/  /'
  status=1
fi
# A msgid that xgettext cuts short (at a G_GUINT64_FORMAT-style macro) can never be
# translated: the program looks up the whole string. Use %zu, %llu, %lld instead.
cut=$(grep '\.c$' "$wanted" | xargs xgettext --from-code=UTF-8 -k_ -kN_ -kC_:1c,2 -kNC_:1c,2 \
        -kg_dngettext:2,3 -kngettext:1,2 --flag=_:1:pass-c-format --flag=N_:1:pass-c-format \
        --flag=g_dngettext:2:pass-c-format --flag=ngettext:1:pass-c-format \
        --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
        --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
        --flag=g_set_error:4:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
        --flag=g_printf:1:c-format --flag=fprintf:2:c-format --flag=g_fprintf:2:c-format \
        -o /dev/null 2>&1 | grep 'middle of a directive')
if [ -n "$cut" ]; then
  echo "translatable strings cut short by a format macro (use %zu, %llu or %lld):"
  echo "$cut" | grep -o '^[^ ]*:[0-9]*:' | sort -u | sed 's/^/  /'
  status=1
fi
[ $status -eq 0 ] && echo "po/POTFILES.in lists all $(wc -l < "$wanted") files with translatable strings"
exit $status
