#!/usr/bin/env bash
# Packages the VSIX the way a release does, checks what is inside, installs it into a fresh
# code-server extensions dir with --install-extension, and runs the extension-host tests and the
# UI test against the INSTALLED extension (not the development copy).
#   scripts/vsix-test.sh            # needs: npm run setup:e2e, npm run compile
#   KEEP_PROD_DIST=1 scripts/vsix-test.sh   # leave the minified dist/ (default: rebuild dev dist/)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# As root the install lives outside the checkout, so a fresh clone on the same machine reuses it.
if [ -z "${E2E_ROOT:-}" ] && [ "$(id -u)" = 0 ]; then E2E_ROOT=/var/cache/dockerfile-slim/vscode-e2e; fi
E2E_ROOT=${E2E_ROOT:-$REPO/.cache/vscode-e2e}
CS="$E2E_ROOT/node_modules/code-server/out/node/entry.js"
MAX_BYTES=$((2 * 1024 * 1024))
t0=$(date +%s)
log() { printf '[vsix-test %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

[ -f "$CS" ] || { echo "code-server missing; run: npm run setup:e2e" >&2; exit 2; }
[ -f "$REPO/out/test/e2e/suite/index.js" ] || { echo "compiled tests missing; run: npm run compile" >&2; exit 2; }
{ ls -dt "$E2E_ROOT"/vsix.* 2>/dev/null || true; } | tail -n +4 | xargs -r rm -rf   # keep the last 3 runs (none on a fresh machine)
RUN=$(mktemp -d "$E2E_ROOT/vsix.XXXXXX")
EXTS="$RUN/extensions"
VSIX="$RUN/dockerfile-slim.vsix"
cleanup() {
  # vscode:prepublish leaves a minified dist/ without source maps; give developers theirs back
  if [ -z "${KEEP_PROD_DIST:-}" ]; then (cd "$REPO" && timeout 120 node esbuild.mjs) || true; fi
}
trap cleanup EXIT
cd "$REPO"

# 1. package exactly as `npm run package` does (vsce runs vscode:prepublish = esbuild --production)
log "vsce package"
timeout 300 npm run --silent package -- --out "$VSIX" </dev/null >"$RUN/vsce.log" 2>&1 \
  || { cat "$RUN/vsce.log"; exit 1; }
grep -E 'WARNING|DONE' "$RUN/vsce.log" || true

# 2. size and contents: bundles only, no sources, maps, tests or node_modules
bytes=$(stat -c %s "$VSIX")
log "VSIX size: $bytes bytes (limit $MAX_BYTES)"
[ "$bytes" -lt "$MAX_BYTES" ] || { echo "VSIX too big" >&2; exit 1; }
python3 - "$VSIX" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
files = [n for n in names if n.startswith('extension/')]
print('\n'.join('  ' + n for n in sorted(files)))
need = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/client.js', 'extension/dist/engine.js', 'extension/dist/server.js', 'extension/dist/server-cached.js', 'extension/dist/lint-worker.js', 'extension/dist/layer-worker.js', 'extension/dist/package-worker.js',
        'extension/syntaxes/dockerfile-slim.injection.tmLanguage.json', 'extension/images/icon.png', 'extension/changelog.md',
        'extension/resources/keyrings/debian-archive-keyring.gpg', 'extension/resources/keyrings/ubuntu-archive-keyring.gpg']
missing = [n for n in need if n not in names]
bad = [n for n in files if '/node_modules/' in n or n.endswith(('.map', '.ts', '.mjs'))
       or n.startswith(('extension/test/', 'extension/client/', 'extension/server/', 'extension/out/', 'extension/.cache/'))]
import glob, os
docs = sorted('extension/' + f for f in glob.glob('docs/rules/*.md'))
if not docs:
    print('WARNING: docs/rules/*.md does not exist yet; diagnostics link code.target there')
missing += [d for d in docs if d not in names]
if missing or bad:
    sys.exit(f'VSIX contents wrong: missing={missing} unexpected={bad}')
EOF

# 2b. every image (and relative link) the README shows is in the package, or an absolute https URL
node scripts/readme-images.mjs "$VSIX"

# 3. install into a fresh extensions dir and check code-server lists it
export HOME="$E2E_ROOT/home" XDG_CONFIG_HOME="$E2E_ROOT/xdg/config" XDG_DATA_HOME="$E2E_ROOT/xdg/data"
CS_ARGS=(--extensions-dir "$EXTS" --user-data-dir "$RUN/user-data")
log "code-server --install-extension"
timeout 120 node "$CS" "${CS_ARGS[@]}" --install-extension "$VSIX" 2>&1 | grep -v '^\s*$' | tail -3
want="$(node -p "const p=require('./package.json'); p.publisher+'.'+p.name+'@'+p.version")"
listed=$(timeout 60 node "$CS" "${CS_ARGS[@]}" --list-extensions --show-versions 2>/dev/null)
log "installed: $listed"
grep -qx "$want" <<<"$listed" || { echo "expected $want in --list-extensions" >&2; exit 1; }

# 4. the real tests, against the installed copy
set +e
SUITE_TIMEOUT_MS=${SUITE_TIMEOUT_MS:-240000} timeout 600 node scripts/e2e/run-extension-tests.mjs \
  --installed "$EXTS" --suite diagnostics-fixes-optimize
rc_e2e=$?
timeout 300 node test/ui/quick-fix-ui.mjs --installed "$EXTS"
rc_ui=$?
set -e
log "extension-host tests rc=$rc_e2e, UI test rc=$rc_ui (artifacts: $RUN, test-results/vsix-*.png)"
[ $rc_e2e -eq 0 ] && [ $rc_ui -eq 0 ] && rm -rf "$RUN/user-data"
[ $rc_e2e -eq 0 ] && [ $rc_ui -eq 0 ]
