#!/usr/bin/env bash
# Builds the image the lenses read (tag configured in .vscode/settings.json). Run after
# scripts/docker-engine.sh start && IMAGES=busybox scripts/docker-engine.sh images.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-1} /usr/bin/docker build -q -t dockerfile-slim-e2e/layers:latest .
