#!/usr/bin/env bash
# Installs what TorchSharp 0.107's native library needs on Linux.
#
# libLibTorchSharp.so needs libstdc++ with GLIBCXX_3.4.32 (GCC >= 13). Debian 12 ships GCC 12,
# so TorchSharp fails there with "version 'GLIBCXX_3.4.32' not found". On Debian 12 this script
# adds Debian 13 (trixie) as a second apt source pinned to priority 100 (nothing else moves) and
# installs libstdc++6 from it, which also upgrades libc6 to 2.41.
#
# Idempotent: where libstdc++ already exports GLIBCXX_3.4.32 (Debian 13, Ubuntu 24.04,
# Fedora 39+, or a second run) it installs nothing. Windows and macOS need nothing.
set -euo pipefail

needed=GLIBCXX_3.4.32

os=$(uname -s)
if [ "$os" != "Linux" ]; then
  echo "native prerequisite: $os needs nothing for TorchSharp 0.107."
  exit 0
fi

find_libstdcxx() {
  local candidate
  for candidate in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    if [ -e "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

has_needed_symbol() {
  local lib
  lib=$(find_libstdcxx) || return 1
  # grep -a reads the version strings out of the ELF file without binutils.
  grep -aq "$needed" "$lib"
}

if has_needed_symbol; then
  echo "native prerequisite: $(find_libstdcxx) already provides $needed; nothing to install."
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
  echo "native prerequisite: libstdc++ lacks $needed, which TorchSharp 0.107 needs." >&2
  echo "This script automates the fix only for Debian 12 (bookworm); this system is '${PRETTY_NAME:-unknown}'." >&2
  echo "Install libstdc++ from GCC 13 or newer with your package manager (Ubuntu 24.04, Debian 13 and Fedora 39+ have it)." >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "native prerequisite: root (or sudo) is needed to install libstdc++6 from Debian 13." >&2
    exit 1
  fi
else
  SUDO=
fi

# Reuse the mirror the machine already uses for Debian, so that a local or proxied mirror keeps working.
uri=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }' /etc/apt/sources.list)
fi
uri=${uri:-http://deb.debian.org/debian}

echo "native prerequisite: $(find_libstdcxx || echo libstdc++) lacks $needed (TorchSharp 0.107 needs GCC >= 13's libstdc++)."
echo "It will now:"
echo "  - add apt source 'deb $uri trixie main' as /etc/apt/sources.list.d/trixie-libstdcxx.list"
echo "  - pin trixie to priority 100 in /etc/apt/preferences.d/trixie-libstdcxx (no other package moves)"
echo "  - apt-get install -t trixie libstdc++6 (this also upgrades libc6 to Debian 13's 2.41 and ~27 related packages)"

$SUDO tee /etc/apt/sources.list.d/trixie-libstdcxx.list >/dev/null <<SRC
deb $uri trixie main
SRC
$SUDO tee /etc/apt/preferences.d/trixie-libstdcxx >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -o Acquire::Retries=3
$SUDO apt-get install -y -t trixie -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold libstdc++6

if has_needed_symbol; then
  echo "native prerequisite: installed; $(find_libstdcxx) now provides $needed."
else
  echo "native prerequisite: installation finished but $needed is still missing." >&2
  exit 1
fi
