#!/usr/bin/env bash
# Runs a command inside a throwaway D-Bus session with an unlocked, throwaway gnome-keyring, so
# tests use the real Secret Service without ever touching the developer's own keyring.
set -euo pipefail

tmp=$(mktemp -d -t invitedesk-keyring.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

# Keep the toolchain reachable once HOME changes.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" NO_AT_BRIDGE=1

exec dbus-run-session -- bash -c '
  set -euo pipefail
  # --foreground keeps the daemon in this session (it dies with it); wait until it owns the name.
  printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets --foreground >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
         org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      break
    fi
    sleep 0.1
  done
  "$@"
' bash "$@"
