#!/usr/bin/env bash
# action.yml's lint step: SARIF to $SARIF_FILE, a readable list in the log, the exit code as a step output.
# Inputs arrive as environment variables: DSLIM (path to dist/cli.js), FILES, SARIF_FILE.
# FILES: one file per line (a name may hold spaces); a single line may list several names separated by spaces.
# Every name is one argument after `--`, so none can pass for an option (`a --format=json`).
set -uo pipefail
fail() { echo "dockerfile-slim: $*" >&2; echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"; exit 0; }
raw="${FILES:-Dockerfile}"
files=()
if [[ "$raw" == *$'\n'* ]]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"   # trim leading blanks
    line="${line%"${line##*[![:space:]]}"}"   # and trailing
    [ -n "$line" ] && files+=("$line")
  done <<<"$raw"
else
  read -r -a files <<<"$raw" || true
fi
[ ${#files[@]} -eq 0 ] && fail "no files to lint"
# Never written through a symbolic link (or over a non-file) committed in the pull request: a fresh file beside
# it, renamed over the name (a rename replaces a link, it does not follow it).
if [ -L "$SARIF_FILE" ] || { [ -e "$SARIF_FILE" ] && [ ! -f "$SARIF_FILE" ]; }; then
  fail "$SARIF_FILE is a symbolic link or not a regular file; SARIF not written"
fi
sarif_dir=$(dirname -- "$SARIF_FILE")
[ -d "$sarif_dir" ] && [ ! -L "$sarif_dir" ] || fail "the folder of $SARIF_FILE is missing or a symbolic link; SARIF not written"
tmp=$(mktemp "$sarif_dir/.dockerfile-slim-sarif.XXXXXXXX") || fail "cannot create a file in $sarif_dir"
node "$DSLIM" lint --format sarif -- "${files[@]}" >"$tmp"
code=$?
mv -fT -- "$tmp" "$SARIF_FILE" || { rm -f -- "$tmp"; fail "cannot write $SARIF_FILE"; }
node "$DSLIM" lint -- "${files[@]}" || true
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
