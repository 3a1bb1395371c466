#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a private, unlocked gnome-keyring, so that
# tests use a real Secret Service without ever touching the developer's own keychain.
# Usage: scripts/with-keyring.sh CMD [ARGS...]
set -euo pipefail

if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: needs dbus-run-session and gnome-keyring-daemon" >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools" >&2
  exit 2
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-keyring.XXXXXX")
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/data" "$home/cache" "$home/runtime"
chmod 700 "$home/runtime"
export XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/runtime"
export LATCHKEY_TEST_KEYRING=1

# The password only unlocks this throw-away keyring; it is not a secret.
# An unlocked keyring is essential: a locked one under a display opens an invisible prompt and hangs.
exec dbus-run-session -- sh -c '
  printf %s latchkey-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' sh "$@"
