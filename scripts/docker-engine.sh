#!/usr/bin/env bash
# Dockerfile Slim: a real Docker engine for tests, with no image registry.
#
#   scripts/docker-engine.sh start    install docker.io/busybox-static/debootstrap if missing, start dockerd
#                                     (data-root /var/cache/dockerfile-slim/docker/data as root, else .cache/docker/data), wait until it answers. Reuses a daemon
#                                     that already answers on the default socket.
#   scripts/docker-engine.sh images   import local/busybox:latest (busybox-static), local/debian:bookworm
#                                     (debootstrap --variant=minbase, rootfs cached as .cache/docker/debian-bookworm-v2.tar)
#                                     and local/golang:bookworm (debian + Debian's golang-go). Idempotent: an image
#                                     already present is skipped, so a second run takes about a second.
#                                     IMAGES="busybox debian" limits the set.
#   scripts/docker-engine.sh stop     stop the dockerd this script started (never another one).
#   scripts/docker-engine.sh status
#
# Network inside builds (tested on this machine, Debian 12, docker.io 20.10, default overlay2 + bridge):
#   RUN steps reach the Debian mirror (deb.debian.org, plain http) over the default bridge network with both
#   builders, so `RUN apt-get update && apt-get install ...` works without flags; `--network=host` works as well.
#   Only when dockerd has to run with DOCKERD_EXTRA="--iptables=false --bridge=none" (no iptables/overlay)
#   do RUN steps need `docker build --network=host`. `images` re-checks this on every fresh golang build and
#   falls back to --network=host automatically (BUILD_NETWORK=host forces it).
# Never `docker pull`, never `--pull`, never a `# syntax=` line: there is no registry.
# Must run as root. No systemd needed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Images and the debootstrap tarball live outside the checkout (as root), so a fresh clone on the same machine
# (CI runs in one) reuses them; a new machine builds them once. DOCKER_ENGINE_CACHE overrides.
if [ -z "${DOCKER_ENGINE_CACHE:-}" ] && [ "$(id -u)" = 0 ]; then DOCKER_ENGINE_CACHE=/var/cache/dockerfile-slim/docker; fi
CACHE=${DOCKER_ENGINE_CACHE:-$ROOT/.cache/docker}
DATA_ROOT=$CACHE/data
LOG=$CACHE/dockerd.log
PIDFILE=$CACHE/dockerd.pid
# Debian's client: API 1.41 and BuildKit built in (DOCKER_BUILDKIT=1). /usr/local/bin/docker has no buildx.
DOCKER=/usr/bin/docker
export DEBIAN_FRONTEND=noninteractive

log() { printf '[docker-engine] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ready() { "$DOCKER" version >/dev/null 2>&1; }
have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

mirror() {
  awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null \
    || awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null \
    || echo http://deb.debian.org/debian
}

install_missing() {
  local pkgs=()
  [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || pkgs+=(docker.io)
  [ -x /bin/busybox ] || pkgs+=(busybox-static)
  command -v debootstrap >/dev/null || pkgs+=(debootstrap)
  [ ${#pkgs[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${pkgs[*]}"
  log "apt-get install ${pkgs[*]}"
  # Another apt may hold the lock (e.g. a provisioning run): wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

cmd_start() {
  install_missing
  if ready; then
    log "dockerd already answering ($("$DOCKER" info --format '{{.Driver}}' 2>/dev/null)); reusing it"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "dockerd must be started as root"
  mkdir -p "$DATA_ROOT"
  # A daemon pid file left by a dockerd that was killed (a stopped session, a reboot) blocks the next start.
  local stale
  stale=$(cat "$CACHE/dockerd.daemon.pid" 2>/dev/null || true)
  if [ -n "$stale" ] && ! grep -qs dockerd "/proc/$stale/comm"; then rm -f "$CACHE/dockerd.daemon.pid"; fi
  local t0=$SECONDS
  # setsid: the daemon must outlive this script and the shell/job that ran it.
  # shellcheck disable=SC2086
  setsid dockerd --data-root "$DATA_ROOT" --pidfile "$CACHE/dockerd.daemon.pid" ${DOCKERD_EXTRA:-} \
    >"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 600); do # up to 60 s (first start creates the data-root)
    ready && break
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -20 "$LOG" >&2; die "dockerd exited"; }
    sleep 0.1
  done
  ready || { tail -20 "$LOG" >&2; die "dockerd not ready after 60 s (log: $LOG)"; }
  log "dockerd ready in $((SECONDS - t0)) s, storage=$("$DOCKER" info --format '{{.Driver}}'), data-root=$DATA_ROOT"
}

cmd_stop() {
  if [ ! -f "$PIDFILE" ]; then log "no dockerd started by this script"; return 0; fi
  local pid; pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "dockerd did not stop in 30 s, sending KILL"; kill -KILL "$pid"; fi
  fi
  rm -f "$PIDFILE"
  log "dockerd stopped"
}

cmd_status() {
  if ready; then
    "$DOCKER" version --format 'server {{.Server.Version}} (API {{.Server.APIVersion}})'
    "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^local/' || true
  else
    echo "dockerd not answering"; return 1
  fi
}

image_busybox() {
  have_image local/busybox:latest && { log "local/busybox:latest present"; return 0; }
  local rootfs=$CACHE/busybox-rootfs
  rm -rf "$rootfs"; mkdir -p "$rootfs"/{bin,etc,tmp,root}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c . | "$DOCKER" import -c 'CMD ["/bin/sh"]' - local/busybox:latest >/dev/null
  rm -rf "$rootfs"
  log "imported local/busybox:latest ($("$DOCKER" image inspect -f '{{.Size}}' local/busybox:latest) B)"
}

image_debian() {
  # The label marks a base made with the official apt settings; an older import is replaced.
  if [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "dockerfile-slim.base"}}' local/debian:bookworm 2>/dev/null)" = 2 ]; then
    log "local/debian:bookworm present"; return 0
  fi
  "$DOCKER" image rm -f local/golang:bookworm >/dev/null 2>&1 || true
  local tarball=$CACHE/debian-bookworm-v2.tar
  if [ ! -s "$tarball" ]; then
    local rootfs=$CACHE/debian-rootfs t0=$SECONDS
    rm -rf "$rootfs"
    log "debootstrap --variant=minbase bookworm from $(mirror) (about 30-60 s, once)"
    debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
    # Behave like the official debian image, or every apt layer measured on it is inflated: debootstrap
    # leaves its .debs and lists behind and lacks the official apt settings (debuerreotype's docker-clean
    # removes .debs and pkgcache after every install; no translations; gzipped indexes).
    local R=$rootfs
    rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*
    printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$R/etc/apt/apt.conf.d/docker-clean"
    echo 'Acquire::Languages "none";' >"$R/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Acquire::GzipIndexes "true"; Acquire::CompressionTypes::Order:: "gz";' >"$R/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$R/etc/apt/apt.conf.d/docker-autoremove-suggests"
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
    log "debootstrap done in $((SECONDS - t0)) s, cached $tarball"
  fi
  "$DOCKER" import -c 'CMD ["bash"]' -c 'LABEL dockerfile-slim.base=2' "$tarball" local/debian:bookworm >/dev/null
  log "imported local/debian:bookworm ($("$DOCKER" image inspect -f '{{.Size}}' local/debian:bookworm) B)"
}

image_golang() {
  have_image local/golang:bookworm && { log "local/golang:bookworm present"; return 0; }
  image_debian
  local ctx=$CACHE/golang-ctx
  rm -rf "$ctx"; mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV GOPATH=/go PATH=/go/bin:/usr/lib/go/bin:$PATH GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
WORKDIR /src
EOF
  local net=${BUILD_NETWORK:-default}
  if [ "$net" = default ]; then
    if ! DOCKER_BUILDKIT=1 "$DOCKER" build -t local/golang:bookworm "$ctx" >"$CACHE/golang-build.log" 2>&1; then
      log "build over the bridge network failed (see $CACHE/golang-build.log); retrying with --network=host"
      net=host
    fi
  fi
  if [ "$net" = host ]; then
    DOCKER_BUILDKIT=1 "$DOCKER" build --network=host -t local/golang:bookworm "$ctx" \
      >"$CACHE/golang-build.log" 2>&1 || { tail -20 "$CACHE/golang-build.log" >&2; die "golang image build failed"; }
  fi
  rm -rf "$ctx"
  log "built local/golang:bookworm ($("$DOCKER" image inspect -f '{{.Size}}' local/golang:bookworm) B, network=$net)"
}

cmd_images() {
  ready || die "dockerd not answering; run: scripts/docker-engine.sh start"
  mkdir -p "$CACHE"
  local want=${IMAGES:-busybox debian golang}
  for i in $want; do
    case $i in
      busybox) image_busybox ;;
      debian) image_debian ;;
      golang) image_golang ;;
      *) die "unknown image '$i' (busybox, debian, golang)" ;;
    esac
  done
}

mkdir -p "$CACHE"
case ${1:-} in
  start) cmd_start ;;
  images) cmd_images ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|images|stop|status" >&2; exit 2 ;;
esac
