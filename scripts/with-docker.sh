#!/usr/bin/env bash
# Runs a command with a real dockerd and the local base images available. Starts the daemon
# (scripts/docker-engine.sh) when none answers, and stops it afterwards only if it started it.
set -uo pipefail
cd "$(dirname "$0")/.."
started=0
if ! /usr/bin/docker version >/dev/null 2>&1; then
  bash scripts/docker-engine.sh start || exit 1
  started=1
fi
bash scripts/docker-engine.sh images || { [ $started = 1 ] && bash scripts/docker-engine.sh stop; exit 1; }
"$@"
rc=$?
[ $started = 1 ] && bash scripts/docker-engine.sh stop
exit $rc
