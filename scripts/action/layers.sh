#!/usr/bin/env bash
# action.yml's budget step: `dockerfile-slim layers` as markdown into the job summary, the exit code as a step
# output. Inputs arrive as environment variables: DSLIM, IMAGE, DOCKERFILE, BUDGET, BASELINE, WRITE_BASELINE.
# The Dockerfile is one argument after `--`; the CLI refuses devices, FIFOs and links out of the repository and
# never writes the baseline through a symbolic link.
set -uo pipefail
args=(layers --image "$IMAGE" --format markdown)
[ -n "${BUDGET:-}" ] && args+=(--budget "$BUDGET")
[ -n "${BASELINE:-}" ] && args+=(--baseline "$BASELINE")
[ -n "${WRITE_BASELINE:-}" ] && args+=(--write-baseline "$WRITE_BASELINE")
out=$(node "$DSLIM" "${args[@]}" -- "${DOCKERFILE:-Dockerfile}")
code=$?
printf '%s\n' "$out"
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && printf '%s\n' "$out" >>"$GITHUB_STEP_SUMMARY"
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
