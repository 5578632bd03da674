#!/usr/bin/env bash
# action.yml's lint step: SARIF to $SARIF_FILE, a readable list in the log, the exit code as a step output.
# Inputs arrive as environment variables: DSLIM (path to dist/cli.js), FILES, SARIF_FILE.
set -uo pipefail
read -r -d '' -a files <<<"${FILES:-Dockerfile}" || true
if [ ${#files[@]} -eq 0 ]; then echo "dockerfile-slim: no files to lint" >&2; echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"; exit 0; fi
node "$DSLIM" lint --format sarif "${files[@]}" >"$SARIF_FILE"
code=$?
node "$DSLIM" lint "${files[@]}" || true
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
