#!/usr/bin/env bash
# Installs what the e2e/UI/VSIX tests need: a real VS Code (code-server 4.100.3 = VS Code 1.100.3)
# and playwright-core, into .cache/vscode-e2e (its own package.json, so the project's `npm ci`
# stays small), plus Debian packages (chromium, ripgrep, native-build deps).
# Idempotent: a second run only checks versions and exits in about a second.
#   scripts/setup-code-server.sh            # apt (if anything is missing) + npm
#   SKIP_APT=1 scripts/setup-code-server.sh # never touch apt
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# As root the install lives outside the checkout, so a fresh clone on the same machine reuses it.
if [ -z "${E2E_ROOT:-}" ] && [ "$(id -u)" = 0 ]; then E2E_ROOT=/var/cache/dockerfile-slim/vscode-e2e; fi
E2E_ROOT=${E2E_ROOT:-$REPO/.cache/vscode-e2e}
CS_VERSION=${CS_VERSION:-4.100.3}          # newest code-server whose engines.node is "20"
PW_VERSION=${PW_VERSION:-1.65.1}           # driver only, never downloads a browser
RG_NPM_VERSION=1.15.11                     # @vscode/ripgrep version pinned by VS Code 1.100.3
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PKGS=(chromium ripgrep libkrb5-dev build-essential pkg-config python3)
STAMP="$E2E_ROOT/.installed-$CS_VERSION-$PW_VERSION"
t0=$(date +%s)

log() { printf '[setup-e2e %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

# ---- apt: only when something is missing (dpkg query is instant; apt-get update is not)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && [ -z "${SKIP_APT:-}" ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  timeout 900 $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${APT_PKGS[@]}"
elif [ ${#missing[@]} -gt 0 ]; then
  log "WARNING: missing apt packages (SKIP_APT set): ${missing[*]}"
fi

# ---- fast path: everything already there
cs_bin="$E2E_ROOT/node_modules/code-server/out/node/entry.js"
pty_node="$E2E_ROOT/node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node"
if [ -f "$STAMP" ] && [ -f "$cs_bin" ] && [ -f "$pty_node" ] && [ -d "$E2E_ROOT/node_modules/playwright-core" ]; then
  log "already installed (code-server $CS_VERSION, playwright-core $PW_VERSION) in $E2E_ROOT"
  exit 0
fi

mkdir -p "$E2E_ROOT/tmp/vscode-ripgrep-cache-$RG_NPM_VERSION" "$E2E_ROOT/home" "$E2E_ROOT/xdg/config" "$E2E_ROOT/xdg/data"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds the asset in
# $TMPDIR/vscode-ripgrep-cache-<ver>/; seed that cache with Debian's rg (GitHub is unreachable).
if [ ! -f "$E2E_ROOT/tmp/vscode-ripgrep-cache-$RG_NPM_VERSION/$RG_ASSET" ]; then
  ( cd "$E2E_ROOT/tmp" && cp /usr/bin/rg rg && tar czf "vscode-ripgrep-cache-$RG_NPM_VERSION/$RG_ASSET" rg && rm rg )
fi

# A private package.json: pins the two tools and approves their install scripts (npm 11 skips
# dependency install scripts that allowScripts does not cover).
cat > "$E2E_ROOT/package.json" <<EOF
{
  "name": "dockerfile-slim-vscode-e2e",
  "private": true,
  "description": "Tools for Dockerfile Slim's e2e tests; installed by scripts/setup-code-server.sh",
  "dependencies": { "code-server": "$CS_VERSION", "playwright-core": "$PW_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF

cd "$E2E_ROOT"
log "npm install code-server@$CS_VERSION playwright-core@$PW_VERSION (several minutes the first time)"
# npm_config_unsafe_perm : code-server's postinstall.sh refuses to run as root without it
# npm_config_yes         : node-pty's install runs `npx node-gyp` (fetched from npm)
# npm_config_nodedir     : node-gyp uses /usr/include/node instead of downloading headers
# (allowScripts above is enough: checked on npm 11.19 that node-pty, @vscode/ripgrep and argon2 get
#  built without --dangerously-allow-all-scripts; the checks below catch it if that ever changes.)
export TMPDIR="$E2E_ROOT/tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr
timeout 1800 npm install --no-audit --no-fund --foreground-scripts --loglevel=error >"$E2E_ROOT/npm-install.log" 2>&1 || {
    log "npm install failed; tail of $E2E_ROOT/npm-install.log:"; tail -40 "$E2E_ROOT/npm-install.log"; exit 1; }

# Belt and braces: if npm still skipped node-pty's native build, build it explicitly.
if [ ! -f "$pty_node" ]; then
  log "node-pty was not built by the install scripts; rebuilding it with node-gyp"
  ( cd "$E2E_ROOT/node_modules/code-server/lib/vscode/node_modules/node-pty" && timeout 900 npx --yes node-gyp rebuild --nodedir=/usr )
fi
[ -f "$pty_node" ] || { log "node-pty native module missing: $pty_node"; exit 1; }
rg_bin="$E2E_ROOT/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
[ -x "$rg_bin" ] || { log "ripgrep missing ($rg_bin); copying Debian's"; mkdir -p "$(dirname "$rg_bin")"; cp /usr/bin/rg "$rg_bin"; }

v=$(HOME="$E2E_ROOT/home" XDG_CONFIG_HOME="$E2E_ROOT/xdg/config" XDG_DATA_HOME="$E2E_ROOT/xdg/data" \
  timeout 60 node "$cs_bin" --version | grep -E '^[0-9]+\.' | head -1)
log "code-server --version: $v"
case "$v" in "$CS_VERSION"*) ;; *) log "unexpected code-server version"; exit 1 ;; esac
[ -x /usr/bin/chromium ] || log "WARNING: /usr/bin/chromium missing (UI tests need it)"
touch "$STAMP"
log "done"
