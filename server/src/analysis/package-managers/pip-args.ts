/** Reading `pip` command lines: the arguments after `pip`, and whether an install may compile native code. */
import type { Call } from '../../kernel/commands.js';

const PIP = /^pip[0-9.]*$/;

/** `pip …` or `python -m pip …`: the arguments after `pip`, or null. */
export function pipArgs(call: Call): string[] | null {
  const v = call.args.map((w) => w.value);
  if (PIP.test(call.name)) return v;
  if (/^python[0-9.]*$/.test(call.name)) {
    const m = v.indexOf('-m');
    if (m >= 0 && PIP.test(v[m + 1] ?? '')) return v.slice(m + 2);
  }
  return null;
}

const PIP_VALUE_OPTS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--progress-bar',
  '--cache-dir',
  '--src',
  '--upgrade-strategy',
  '--trusted-host',
  '--proxy',
  '--timeout',
  '--retries',
  '--log',
  '--cert',
  '--client-cert',
  '--only-binary',
  '--prefer-binary',
  '--global-option',
  '--config-settings',
  '-C',
  '--python',
  '--report',
  '--root-user-action',
  '--exists-action',
]);

/**
 * Can this `pip install`/`pip wheel` compile? Yes for an sdist (a local path, an archive, a VCS or
 * direct URL, `-e`), `--no-binary`, and a requirements or constraints file (its contents are not
 * read here); no for named requirements (PyPI ships wheels for the platform's CPython) and for
 * `--only-binary :all:`. Which named requirements lack a wheel is not known without PyPI.
 */
export function pipMayCompile(pip: string[]): boolean {
  if (pip.some((a, i) => (a === '--only-binary' && pip[i + 1] === ':all:') || a === '--only-binary=:all:')) return false;
  for (let i = 1; i < pip.length; i++) {
    const a = pip[i] as string;
    if (a === '--no-binary' || a.startsWith('--no-binary=')) return true;
    if (/^(-r|--requirement|-c|--constraint|-e|--editable)$/.test(a) || /^(--requirement|--constraint|--editable)=|^-[rce]./.test(a)) return true;
    if (PIP_VALUE_OPTS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    // A wheel (a file, a URL, `pkg @ url.whl`) is built already: installing it compiles nothing.
    if (/\.whl$/i.test(a)) continue;
    // A path, an archive or a URL (git+https://…, https://…/x.tar.gz), `.`, `pkg @ url`; `$VAR` may be any of them.
    if (/[/$@]|^\.|\.(tar\.gz|tgz|tar\.bz2|zip)$/i.test(a)) return true;
  }
  return false;
}
