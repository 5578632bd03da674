#!/usr/bin/env bash
# Sets up a fresh machine (Debian 12, Node 20, root) for Dockerfile Slim: Debian packages
# (docker.io, busybox-static, debootstrap, golang-go, chromium, ripgrep, build tools), npm ci,
# the build, code-server 4.100.3 + playwright-core for the VS Code tests, and the local base
# images for real builds. Idempotent; a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)
log() { printf '[setup %4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

APT_PKGS=(docker.io busybox-static debootstrap bc golang-go chromium ripgrep libkrb5-dev build-essential pkg-config python3 ca-certificates openssl)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  timeout 1800 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "npm ci"
npm ci --no-audit --no-fund >/dev/null
log "build"
npm run --silent compile
npm run --silent build

log "code-server + playwright-core"
SKIP_APT=1 bash scripts/setup-code-server.sh

log "docker engine + local base images"
bash scripts/docker-engine.sh start
bash scripts/docker-engine.sh images
log "done"
