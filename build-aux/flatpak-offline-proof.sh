#!/usr/bin/env bash
# flatpak-offline-proof.sh — prove, without the internet, that the Flatpak manifest
# flatpak/io.github.assayapp.Assay.json builds an app that runs sandboxed.
#
#   build-aux/flatpak-offline-proof.sh [--pdf FILE] [--cold] [--record]
#
#   --pdf FILE  the PDF to open (default: the pdf.js corpus' tracemonkey.pdf)
#   --cold      forget the cached stand-in runtime and build cache first
#   --record    copy the log to docs/flatpak-proof.md and the screenshots to docs/
#
# Flathub's GNOME runtime cannot be downloaded here, so this builds a stand-in
# org.gnome.Platform/org.gnome.Sdk from Debian bookworm packages (GTK 4.8,
# libadwaita 1.2, GLib 2.74: GNOME 43's API level), exports it into an ostree repo
# and builds the app from a copy of the manifest in which only runtime-version is
# swapped to the stand-in's branch. The upstream archives the manifest pins
# (poppler, poppler-data) are Debian's orig tarballs, checked with sha256sum -c
# and pre-seeded into flatpak-builder's download cache; the build runs under
# `unshare --net`. The app is installed from the single-file bundle into a
# throwaway user installation, run headless (its JSON is checked) and with its
# window under Xvfb in English, German and French, each in dbus-run-session with
# the document portal handing the PDF into the sandbox; the window's runs must
# store a result for the PDF, and each is screenshotted. The document portal comes
# from Debian's xdg-desktop-portal package, unpacked into the cache and known only
# to the proof's own session buses: installed system-wide, its D-Bus services
# would be activated by every GTK program's tests on this machine.
#
# Needs root (debootstrap, chroot, /dev/fuse for the document portal) and bwrap;
# flatpak-builder strips binaries with the host's eu-strip (elfutils).
# The stand-in runtime's ostree repo, the orig tarballs, the .debs and
# flatpak-builder's state are kept in $ASSAY_FLATPAK_CACHE
# (default /var/cache/assay-flatpak-proof): a rerun rebuilds only what changed.
# Everything else lives in a throwaway directory that is removed at the end.
# Outputs (bundle, screenshots, log) go to $ASSAY_FLATPAK_OUT (default build-flatpak/).
set -euo pipefail
{ # the whole script is read before it runs: editing it meanwhile cannot break a run

here=$(cd "$(dirname "$0")/.." && pwd)

# Run in a private mount namespace: the chroots' mounts, a private /run/user and
# the document portal's FUSE mount in it vanish with the script, whatever happens.
if [ -z "${ASSAY_PROOF_NAMESPACE:-}" ] && [ "$(id -u)" -eq 0 ]; then
  ASSAY_PROOF_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi
app_id=io.github.assayapp.Assay
manifest=$here/flatpak/$app_id.json
cache=${ASSAY_FLATPAK_CACHE:-/var/cache/assay-flatpak-proof}
out=${ASSAY_FLATPAK_OUT:-$here/build-flatpak}
pdf=/work/shared/corpus/pdfjs/tracemonkey.pdf
cold=0
record=0
rt_branch=43                      # what bookworm's GTK 4.8 / libadwaita 1.2 / GLib 2.74 are

while [ $# -gt 0 ]; do
  case $1 in
    --pdf) pdf=$2; shift 2 ;;
    --cold) cold=1; shift ;;
    --record) record=1; shift ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "flatpak-offline-proof: needs root (debootstrap, chroot)" >&2; exit 2; }
[ -f "$pdf" ] || { echo "flatpak-offline-proof: no PDF at $pdf (use --pdf FILE)" >&2; exit 2; }
pdf=$(cd "$(dirname "$pdf")" && pwd)/$(basename "$pdf")

mkdir -p "$out"
log=$out/proof.log
: > "$log"
exec > >(tee -a "$log") 2>&1

t_start=$(date +%s)
t_step=$t_start
step() {
  local now; now=$(date +%s)
  printf '\n== [%4ds, +%3ds] %s\n' $((now - t_start)) $((now - t_step)) "$*"
  t_step=$now
}
failures=0
check() {                                   # check DESCRIPTION CMD…
  local what=$1; shift
  if "$@"; then echo "PASS: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

host_packages=(debootstrap ostree flatpak flatpak-builder bubblewrap fuse3 elfutils debugedit
               xvfb xauth dbus dbus-x11 imagemagick xdotool python3)
missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "host: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The archive this machine's apt uses (the only place it can reach).
mirror=${ASSAY_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)}
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}
security=${ASSAY_DEBIAN_SECURITY:-${mirror}-security}

W=$(mktemp -d /var/tmp/assay-flatpak-proof.XXXXXX)
xvfb_pid=
cleanup() {
  local m
  [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
  for m in $(awk -v w="$W" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$W"
}
trap cleanup EXIT

echo "manifest:  $manifest"
echo "pdf:       $pdf ($(stat -c %s "$pdf") bytes)"
echo "cache:     $cache"
echo "work dir:  $W (removed at the end)"
echo "mirror:    $mirror"
echo "host:      $(. /etc/os-release; echo "$PRETTY_NAME"), $(nproc) cores, flatpak $(flatpak --version | cut -d' ' -f2), flatpak-builder $(flatpak-builder --version | cut -d' ' -f2)"

if [ $cold -eq 1 ]; then
  step "--cold: forgetting the cache"
  rm -rf "$cache"
fi
mkdir -p "$cache/debs" "$cache/sources"

# ---------------------------------------------------------------- stand-in runtime
rt_packages="libgtk-4-1 libadwaita-1-0 libsoup-3.0-0 libjson-glib-1.0-0 glib-networking libsecret-1-0
 gsettings-desktop-schemas libglib2.0-bin shared-mime-info adwaita-icon-theme hicolor-icon-theme
 fonts-cantarell fonts-dejavu-core libgl1-mesa-dri libegl-mesa0 libgles2 libgl1 librsvg2-common
 ca-certificates libfreetype6 libfontconfig1 libcairo2 libjpeg62-turbo libopenjp2-7 liblcms2-2
 libpng16-16 libtiff6 zlib1g libstdc++6 locales"
sdk_packages="build-essential meson ninja-build cmake pkg-config libgtk-4-dev libadwaita-1-dev
 libsoup-3.0-dev libjson-glib-dev libsecret-1-dev gettext libfreetype-dev libfontconfig-dev
 libcairo2-dev libjpeg-dev libopenjp2-7-dev liblcms2-dev libpng-dev libtiff-dev zlib1g-dev
 libglib2.0-dev libglib2.0-dev-bin elfutils debugedit desktop-file-utils appstream appstream-util
 libxml2-utils git patch"
rt_locales="en_US.UTF-8 de_DE.UTF-8 fr_FR.UTF-8"
# Anything that changes what goes into the runtime changes this key.
rt_key=$(printf '%s\n' "$rt_packages" "$sdk_packages" "$rt_locales" "$rt_branch" "$mirror" v2 | sha256sum | cut -c1-16)

inst() {                                    # inst ROOT PACKAGE…
  local r=$1; shift
  mount -t proc proc "$r/proc"
  mount --bind /dev "$r/dev"
  mount --bind "$cache/debs" "$r/var/cache/apt/archives"
  printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"; chmod +x "$r/usr/sbin/policy-rc.d"
  chroot "$r" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  rm "$r/usr/sbin/policy-rc.d"
  umount "$r/var/cache/apt/archives" "$r/dev" "$r/proc"
}

export_runtime() {                          # export_runtime ROOT NAME
  local root=$1 name=$2 o=$W/rt/$2-out
  mkdir -p "$o/files"
  cp -a "$root/usr/." "$o/files/"           # files/ is mounted at /usr
  cp -a "$root/etc" "$o/files/etc"
  rm -rf "$o"/files/share/{doc,man,info,lintian} "$o"/files/etc/{shadow,gshadow,machine-id,hostname,resolv.conf}*
  ln -sf ../sbin/ldconfig "$o/files/bin/ldconfig"   # else flatpak falls back to LD_LIBRARY_PATH
  printf '%s\n' 'include /run/flatpak/ld.so.conf.d/app-*.conf' 'include /app/etc/ld.so.conf' /app/lib \
    'include /etc/ld.so.conf.d/*.conf' 'include /run/flatpak/ld.so.conf.d/runtime-*.conf' > "$o/files/etc/ld.so.conf"
  printf '[Runtime]\nname=%s\nruntime=org.gnome.Platform/x86_64/%s\nsdk=org.gnome.Sdk/x86_64/%s\n' \
    "$name" "$rt_branch" "$rt_branch" > "$o/metadata"
  flatpak build-export --disable-fsync --runtime --files=files \
    --subject="Stand-in $name $rt_branch from Debian bookworm" "$cache/repo" "$o" "$rt_branch"
}

if [ -f "$cache/runtime.key" ] && [ "$(cat "$cache/runtime.key")" = "$rt_key" ] && [ -d "$cache/repo" ]; then
  step "stand-in runtime: cached in $cache/repo (key $rt_key)"
else
  rm -rf "$cache/repo" "$cache/runtime.key"
  mkdir -p "$W/rt"
  step "stand-in runtime: debootstrap bookworm (minbase)"
  debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$W/rt/base" "$mirror" >/dev/null
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" > "$W/rt/base/etc/apt/sources.list"
  mount -t proc proc "$W/rt/base/proc"
  chroot "$W/rt/base" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$W/rt/base" apt-get upgrade -y -qq >/dev/null
  chroot "$W/rt/base" apt-get clean
  umount "$W/rt/base/proc"

  step "stand-in runtime: Platform packages"
  mv "$W/rt/base" "$W/rt/rt-root"
  inst "$W/rt/rt-root" $rt_packages
  for l in $rt_locales; do echo "$l UTF-8"; done > "$W/rt/rt-root/etc/locale.gen"
  chroot "$W/rt/rt-root" locale-gen >/dev/null
  step "stand-in runtime: Sdk = Platform + development packages"
  cp -a "$W/rt/rt-root" "$W/rt/sdk-root"
  inst "$W/rt/sdk-root" $sdk_packages

  step "stand-in runtime: export into an ostree repo"
  ostree init --repo="$cache/repo" --mode=bare-user-only   # about 5x faster to export than archive mode
  export_runtime "$W/rt/rt-root" org.gnome.Platform
  export_runtime "$W/rt/sdk-root" org.gnome.Sdk
  echo "GTK $(chroot "$W/rt/sdk-root" pkg-config --modversion gtk4), libadwaita $(chroot "$W/rt/sdk-root" pkg-config --modversion libadwaita-1), GLib $(chroot "$W/rt/sdk-root" pkg-config --modversion glib-2.0)" \
    > "$cache/runtime.versions"
  rm -rf "$W/rt"
  echo "$rt_key" > "$cache/runtime.key"
fi
echo "stand-in runtime: $(cat "$cache/runtime.versions"); repo $(du -sh "$cache/repo" | cut -f1)"

# ---------------------------------------------------------------- a throwaway installation
# flatpak passes a forwarded file's document-portal path through unchanged, and
# mounts the portal at /run/user/UID/doc in the sandbox: the runtime dir must be
# that path. A tmpfs over /run/user, in this script's own mount namespace.
mount -t tmpfs -o mode=755 tmpfs /run/user
export FLATPAK_USER_DIR=$W/user HOME=$W/home XDG_RUNTIME_DIR=/run/user/$(id -u)
unset DBUS_SESSION_BUS_ADDRESS
mkdir -p "$HOME" && mkdir -p -m 700 "$XDG_RUNTIME_DIR"
step "install the stand-in Platform and Sdk into a throwaway user installation"
flatpak remote-add --user --no-gpg-verify stand-in "file://$cache/repo"
flatpak install --user -y --noninteractive stand-in "org.gnome.Platform//$rt_branch" "org.gnome.Sdk//$rt_branch" >/dev/null
flatpak list --user --columns=application,branch,size

# ---------------------------------------------------------------- the manifest's sources
step "upstream archives: Debian's orig tarballs, checked against the manifest's sha256"
sources_json=$(python3 - "$manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for mod in m["modules"]:
    for s in mod.get("sources", []):
        if s.get("type") in ("archive", "file"):
            print(mod["name"], s["url"], s["sha256"])
PY
)
echo "$sources_json"
declare -A debian_orig=(
  [poppler]=poppler
  [poppler-data]=poppler-data
)
mkdir -p "$W/seed/downloads"
while read -r module url sha; do
  base=$(basename "$url")
  version=${base#"$module"-}; version=${version%.tar.*}
  ext=${base##*.tar.}
  orig=${debian_orig[$module]}_${version}.orig.tar.$ext
  if [ ! -f "$cache/sources/$orig" ]; then
    # apt-get source, from the archive's deb-src, with a private apt state.
    a=$W/apt-src; mkdir -p "$a/lists/partial" "$a/cache"
    printf 'deb-src %s bookworm main\ndeb-src %s bookworm-updates main\ndeb-src %s bookworm-security main\n' \
      "$mirror" "$mirror" "$security" > "$a/sources.list"
    opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/nonexistent
          -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache")
    [ -f "$a/lists/updated" ] || { apt-get "${opts[@]}" update -qq && touch "$a/lists/updated"; }
    (cd "$a" && apt-get "${opts[@]}" source --download-only "${debian_orig[$module]}=$(apt-get "${opts[@]}" \
       showsrc "${debian_orig[$module]}" 2>/dev/null | awk -v v="$version" '/^Version:/ && index($2, v) == 1 { print $2; exit }')" \
       >/dev/null 2>&1 || true)
    [ -f "$a/$orig" ] || { echo "could not fetch $orig from Debian"; exit 1; }
    mv "$a/$orig" "$cache/sources/$orig"
  fi
  # flatpak-builder 1.2 does not re-check the hash of a pre-seeded file: check it here.
  (cd "$cache/sources" && echo "$sha  $orig" | sha256sum -c)
  mkdir -p "$W/seed/downloads/$sha"
  cp "$cache/sources/$orig" "$W/seed/downloads/$sha/$base"   # <dir>/downloads/<sha256>/<basename of url>
done <<< "$sources_json"

# ---------------------------------------------------------------- the app's source and the manifest copy
step "the app's source (tracked and new files of $here) and the manifest copy"
# flatpak-builder names its cache branches after the manifest's path: the copy
# lives at a fixed place so that a rerun finds the modules it built before.
proj=$cache/app-source
rm -rf "$proj" && mkdir -p "$proj"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | grep -zv '^build-flatpak/' \
   | xargs -0 tar -cf - --no-recursion 2>/dev/null) | tar -xf - -C "$proj"
source_rev="$(cd "$here" && git rev-parse --short HEAD)$(cd "$here" && git diff --quiet HEAD -- . || echo ' + uncommitted changes')"
echo "source: $source_rev, $(find "$proj" -type f | wc -l) files"
copy=$proj/flatpak/$app_id.json
python3 - "$manifest" "$copy" "$rt_branch" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["runtime-version"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
echo "the copy differs from the manifest in:"
python3 - "$manifest" "$copy" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
for k in diff:
    print(f"  {k}: {a.get(k)!r} -> {b.get(k)!r}")
assert diff == ["runtime-version"], diff
PY

# ---------------------------------------------------------------- build, offline
step "flatpak-builder --download-only under unshare --net (fails if anything is not seeded)"
state=$cache/builder-state
cd "$proj"
unshare --net flatpak-builder --user --download-only --state-dir="$state" \
  --extra-sources="$W/seed" "$W/build-dir" "$copy" >/dev/null
echo "all sources present"

step "flatpak-builder under unshare --net"
unshare --net flatpak-builder --user --disable-download --force-clean --state-dir="$state" \
  --extra-sources="$W/seed" --repo="$W/apprepo" "$W/build-dir" "$copy" > "$out/builder.log" 2>&1 \
  || { tail -n 60 "$out/builder.log"; echo "FAIL: flatpak-builder (the whole log: $out/builder.log)"; exit 1; }
grep -E '^(Starting build|Cache hit|Committing stage|Running appstream|Exporting|Pruning|Building module)' \
  "$out/builder.log" | cut -c1-200 || true
echo "compiler warnings: $(grep -c 'warning:' "$out/builder.log" || true), of them in Assay's own sources: $(grep 'warning:' "$out/builder.log" | grep -vc '^/run/build/poppler' || true)"
[ -d "$W/apprepo" ] || { echo "FAIL: flatpak-builder made no repo"; exit 1; }

step "flatpak build-bundle: a single-file bundle"
flatpak build-bundle "$W/apprepo" "$out/$app_id.flatpak" "$app_id"
ls -l "$out/$app_id.flatpak" | awk '{ print $5, $NF }'

step "install the bundle into the throwaway installation"
flatpak install --user -y --noninteractive --bundle "$out/$app_id.flatpak" >/dev/null
flatpak info --user "$app_id" | sed -n '/ID:/,/Installed:/p'
flatpak info --user --show-permissions "$app_id"
check "no filesystem permission" sh -c "! flatpak info --user --show-permissions $app_id | grep -q '^filesystems='"
check "desktop file, metainfo (renamed to appdata by flatpak-builder 1.2) and icons exported" test -f "$FLATPAK_USER_DIR/exports/share/applications/$app_id.desktop" \
  -a -f "$FLATPAK_USER_DIR/app/$app_id/current/active/files/share/appdata/$app_id.appdata.xml" \
  -a -f "$FLATPAK_USER_DIR/exports/share/icons/hicolor/scalable/apps/$app_id.svg" \
  -a -f "$FLATPAK_USER_DIR/exports/share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
check "D-Bus service exported" test -f "$FLATPAK_USER_DIR/exports/share/dbus-1/services/$app_id.service"

# ---------------------------------------------------------------- run it, sandboxed
step "a private document portal, and a display"
portal=$cache/xdg-desktop-portal
if [ ! -x "$portal/usr/libexec/xdg-document-portal" ]; then
  (cd "$W" && apt-get download -qq -o APT::Sandbox::User=root xdg-desktop-portal)
  rm -rf "$portal" && dpkg-deb -x "$W"/xdg-desktop-portal_*.deb "$portal"
  dpkg-deb -f "$W"/xdg-desktop-portal_*.deb Version > "$portal/VERSION"
fi
for b in xdg-document-portal xdg-permission-store; do
  if ldd "$portal/usr/libexec/$b" | grep -q 'not found'; then
    echo "$b lacks libraries:"; ldd "$portal/usr/libexec/$b" | grep 'not found'; exit 1
  fi
done
mkdir -p "$W/dbus-services"
printf '[D-BUS Service]\nName=org.freedesktop.portal.Documents\nExec=%s\n' \
  "$portal/usr/libexec/xdg-document-portal" > "$W/dbus-services/org.freedesktop.portal.Documents.service"
printf '[D-BUS Service]\nName=org.freedesktop.impl.portal.PermissionStore\nExec=%s\n' \
  "$portal/usr/libexec/xdg-permission-store" > "$W/dbus-services/org.freedesktop.impl.portal.PermissionStore.service"
{
  echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"'
  echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
  echo '<busconfig>'
  echo '  <include>/usr/share/dbus-1/session.conf</include>'
  echo "  <servicedir>$W/dbus-services</servicedir>"
  echo '</busconfig>'
} > "$W/session.conf"
echo "document portal: xdg-desktop-portal $(cat "$portal/VERSION"), unpacked in $portal"
session() { dbus-run-session --config-file="$W/session.conf" -- "$@"; }

mkfifo "$W/displayfd"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp -noreset 3>"$W/displayfd" >"$W/xvfb.log" 2>&1 &
xvfb_pid=$!
display=$(timeout 20 head -n 1 "$W/displayfd" || true)
[ -n "$display" ] || { echo "Xvfb did not start:"; cat "$W/xvfb.log"; exit 1; }
echo "Xvfb on :$display (pid $xvfb_pid)"

pdf_sha=$(sha256sum "$pdf" | cut -d' ' -f1)
data_dir=$HOME/.var/app/$app_id/data

step "headless: flatpak run $app_id --headless $(basename "$pdf") (the PDF through the document portal)"
# --file-forwarding hands the file in through the document portal; the sandbox sees
# /run/user/…/doc/…/name.pdf, nothing else of the host.
session timeout 300 flatpak run --user --file-forwarding "$app_id" --headless --offline \
  @@ "$pdf" @@ > "$out/headless.json" 2> "$out/headless.stderr" && rc=0 || rc=$?
echo "exit status $rc"; sed 's/^/stderr: /' "$out/headless.stderr" | head -20
check "headless run exits 0" test "$rc" -eq 0
check "headless JSON: the PDF was read, analysed and its hash matches the host's" python3 - "$out/headless.json" "$pdf_sha" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
d = run["documents"][0]
src = d["source"]
print(f"  status {d['status']}, {src['pages']} pages, {src['characters']} characters, "
      f"sha256 {src['sha256'][:16]}…, path inside the sandbox {src['path']}")
print(f"  extraction {d['extraction']['method']}: {len(d['extraction'].get('figures', []))} figures, "
      f"{len(d['extraction'].get('fields', []))} fields; timings {d['timings']}")
assert run["summary"]["done"] == 1, run["summary"]
assert d["status"] == "done" and src["sha256"] == sys.argv[2] and src["pages"] > 0 and src["characters"] > 0
assert src["path"].startswith("/run/user/") and "/doc/" in src["path"], src["path"]
PY

screenshot() {                              # screenshot LANG NAME
  local lang=$1 name=$2
  rm -rf "$data_dir/assay"
  # The window opens the PDF given on the command line; wait (bounded) for the
  # result to reach the store, give the window a moment to draw it, take the shot.
  DISPLAY=:$display GDK_BACKEND=x11 NO_AT_BRIDGE=1 session sh -c '
    app=$1 pdf=$2 lang=$3 shot=$4 store=$5 sha=$6
    LANG=$lang LC_ALL=$lang flatpak run --user --env=GSK_RENDERER=cairo --env=GDK_BACKEND=x11 \
      --file-forwarding "$app" @@ "$pdf" @@ > "$shot.log" 2>&1 &
    pid=$!
    found=1
    for i in $(seq 120); do
      if grep -rqs "$sha" "$store" 2>/dev/null; then found=0; break; fi
      kill -0 $pid 2>/dev/null || break
      sleep 0.5
    done
    if [ $found -eq 0 ]; then
      sleep 2                             # let the window draw the finished document,
      xdotool mousemove 150 200 click 1   # select it (the first row of the list),
      xdotool mousemove 1590 990          # and take the pointer (and its tooltip) away
      sleep 3
    fi
    import -window root "$shot"
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    exit $found
  ' sh "$app_id" "$pdf" "$lang" "$out/$name" "$data_dir/assay" "$pdf_sha" && rc=0 || rc=$?
  sed 's/^/  app: /' "$out/$name.log" | head -10
  check "window ($lang): the PDF was processed and stored" test "$rc" -eq 0
  check "window ($lang): screenshot $name" test -s "$out/$name"
  # The window alone, for docs/ and the AppStream metainfo: the root window cut
  # down to what is not Xvfb's black background.
  [ -s "$out/$name" ] && convert "$out/$name" -trim +repage "$out/${name%.png}-trimmed.png"
}

step "window, English: flatpak run $app_id $(basename "$pdf") under Xvfb"
screenshot en_US.UTF-8 flatpak-window.png
step "window, German"
screenshot de_DE.UTF-8 flatpak-window-de.png
step "window, French"
screenshot fr_FR.UTF-8 flatpak-window-fr.png

kill "$xvfb_pid"; wait "$xvfb_pid" 2>/dev/null || true; xvfb_pid=

step "done"
echo "bundle: $out/$app_id.flatpak"
echo "total: $(( $(date +%s) - t_start )) s, $failures check(s) failed"

if [ $record -eq 1 ]; then
  for f in flatpak-window flatpak-window-de flatpak-window-fr; do
    [ -s "$out/$f-trimmed.png" ] && cp "$out/$f-trimmed.png" "$here/docs/$f.png"
  done
  {
    echo "# Offline Flatpak proof: the last run"
    echo
    echo "Output of \`build-aux/flatpak-offline-proof.sh --record\` on $(date -u '+%Y-%m-%d %H:%M UTC'),"
    echo "of the source at $source_rev. Times in brackets: since the start, and the step's own."
    echo "Screenshots (\`import -window root\`, trimmed to the window): [English](flatpak-window.png),"
    echo "[German](flatpak-window-de.png), [French](flatpak-window-fr.png)."
    echo
    echo '```'
    # Less noise: dbus-daemon's complaint that it may not raise its fd limit here.
    sed -e "s|$W|\$W|g" -e '/Failed to set fd limit/d' "$log"
    echo '```'
  } > "$here/docs/flatpak-proof.md"
fi
[ $failures -eq 0 ]
exit
}
