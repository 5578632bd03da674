#!/usr/bin/env bash
# Dockerfile Slim: local stack base images for the multi-stage real-build tests (test/docker/multistage.test.ts),
# made from Debian bookworm packages on local/debian:bookworm (scripts/docker-engine.sh images). No registry.
#
#   scripts/stack-images.sh [node|python|java|c|rust ...]     (default: all)
#
# Naming scheme (the tags the DS010 conversion maps full → slim, as it does for the official images):
#   local/node:18                  nodejs + npm                         → local/node:18-slim            nodejs only
#   local/python:3.11              python3 + venv + pip + build-essential → local/python:3.11-slim      python3 only
#   local/eclipse-temurin:17-jdk   default-jdk-headless                 → local/eclipse-temurin:17-jre  default-jre-headless
#   local/gcc:12                   build-essential                      → local/debian:bookworm-slim    (= local/debian:bookworm)
#   local/rust:1.63-bookworm       gcc:12 + rustc, cargo, ca-certificates → local/debian:bookworm-slim  (glibc binary)
# The CMake case needs no image of its own: it installs build-essential and cmake on local/debian:bookworm itself, as
# the Dockerfiles DS010 converts do (cmake on the gcc image is C++ with a /usr/local libstdc++: never converted).
# Bookworm ships Node 18, Python 3.11, OpenJDK 17, GCC 12 and Rust 1.63, hence the version numbers. Each full image is built
# FROM its slim one (shared layers, fewer downloads). Idempotent: an image with the current label is skipped.
set -euo pipefail
DOCKER=/usr/bin/docker
VERSION=1
export DOCKER_BUILDKIT=1
log() { printf '[stack-images] %s\n' "$*" >&2; }
current() { [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "dockerfile-slim.stack"}}' "$1" 2>/dev/null)" = "$VERSION" ]; }

# build TAG DOCKERFILE-TEXT
build() {
  local tag=$1 text=$2
  if current "$tag"; then log "$tag present"; return 0; fi
  local ctx net=()
  ctx=$(mktemp -d)
  printf '%s\nLABEL dockerfile-slim.stack=%s\n' "$text" "$VERSION" >"$ctx/Dockerfile"
  [ "${BUILD_NETWORK:-}" = host ] && net=(--network=host)
  local t0=$SECONDS
  if ! "$DOCKER" build "${net[@]}" -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then
    tail -30 "$ctx/build.log" >&2; rm -rf "$ctx"; log "ERROR: building $tag failed"; exit 1
  fi
  rm -rf "$ctx"
  log "built $tag in $((SECONDS - t0)) s ($("$DOCKER" image inspect -f '{{.Size}}' "$tag") B)"
}

apt_install() { # packages...
  # dpkg without fsync (as the official images' docker-apt-speedup did): npm alone is ~400 packages. The file is
  # removed in the same RUN, so the image holds exactly what the packages install.
  printf 'RUN echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/zz-speedup \\\n && apt-get update \\\n && apt-get install -y --no-install-recommends %s \\\n && rm -rf /var/lib/apt/lists/* /etc/dpkg/dpkg.cfg.d/zz-speedup' "$*"
}

image_node() {
  build local/node:18-slim "FROM local/debian:bookworm
$(apt_install nodejs)
CMD [\"node\"]"
  build local/node:18 "FROM local/node:18-slim
$(apt_install npm)"
}

image_python() {
  # Like the official images: no EXTERNALLY-MANAGED marker (pip installs system-wide), `python` exists.
  build local/python:3.11-slim "FROM local/debian:bookworm
$(apt_install python3 python-is-python3) \\
 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED
CMD [\"python3\"]"
  build local/python:3.11 "FROM local/python:3.11-slim
$(apt_install python3-venv python3-pip python3-dev build-essential) \\
 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED"
}

image_java() {
  build local/eclipse-temurin:17-jre "FROM local/debian:bookworm
$(apt_install default-jre-headless)"
  build local/eclipse-temurin:17-jdk "FROM local/eclipse-temurin:17-jre
$(apt_install default-jdk-headless)"
}

image_rust() {
  image_c # rustc links with gcc: build-essential's layers are shared
  build local/rust:1.63-bookworm "FROM local/gcc:12
$(apt_install rustc cargo ca-certificates)"
}

image_c() {
  "$DOCKER" image inspect local/debian:bookworm-slim >/dev/null 2>&1 || "$DOCKER" tag local/debian:bookworm local/debian:bookworm-slim
  build local/gcc:12 "FROM local/debian:bookworm
$(apt_install build-essential)"
}

"$DOCKER" image inspect local/debian:bookworm >/dev/null 2>&1 || { log "ERROR: local/debian:bookworm missing (scripts/docker-engine.sh images)"; exit 1; }
for s in ${@:-node python java c rust}; do
  case $s in
    node | python | java | c | rust) "image_$s" ;;
    *) log "unknown stack '$s' (node, python, java, c, rust)"; exit 2 ;;
  esac
done
