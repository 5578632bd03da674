/**
 * Reading package installs and C/C++ install steps from calls (DS010 detection and conversion).
 * Imports only the engine, so base-images.ts can use it without an import cycle.
 */
import type { Call } from '../../kernel/commands.js';
import type { RunView } from '../run-views.js';
import { pkgWords } from './operations.js';

/**
 * Apt/apk package names a call installs; null for anything but a plain install (or a variable whose value is not
 * known). `env` (the instruction's ARG/ENV values) splits an unquoted `$BUILD_DEPS` into its words, as the shell does.
 */
export function installedPackages(call: Call, env: ReadonlyMap<string, string> = NO_ENV): string[] | null {
  const a = call.args.map((w) => w.value);
  const sub = a.find((x) => !x.startsWith('-'));
  if (call.name === 'apk' ? sub !== 'add' : sub !== 'install') return null;
  const words = call.args.slice(a.indexOf(sub as string) + 1).filter((w) => !w.value.startsWith('-'));
  const pkgs = pkgWords(words, env).filter((x) => !x.startsWith('-'));
  if (pkgs.some((p) => !/^[a-z0-9][a-z0-9+.:=~-]*$/i.test(p))) return null;
  return pkgs.map((p) => p.replace(/[=:].*$/, ''));
}

const NO_ENV: ReadonlyMap<string, string> = new Map();

/** Is the call an install step of a source build, and how does DESTDIR get in (make argument or environment)? */
export function installStep(call: Call): 'arg' | 'env' | null {
  const a = call.args.map((w) => w.value);
  if (call.name === 'make') return a.includes('install') || a.includes('install-strip') ? 'arg' : null;
  if (call.name === 'ninja') return a.includes('install') ? 'env' : null;
  if (call.name === 'cmake') {
    if (a[0] === '--install') return 'env';
    if (a[0] === '--build' && a.some((x, i) => (x === '--target' || x === '-t') && a[i + 1] === 'install')) return 'env';
  }
  return null;
}

/** Do the RUNs install a compiler with apt and then install a source build? */
export function isCSourceBuild(views: readonly Pick<RunView, 'calls' | 'instr'>[]): boolean {
  const compilers = views.some((v) =>
    v.calls.some((c) => {
      const pkgs = (c.name === 'apt-get' || c.name === 'apt') && installedPackages(c, v.instr.env);
      return pkgs && pkgs.some((p) => /^(build-essential|gcc|g\+\+|clang|cmake)$/.test(p));
    }),
  );
  return compilers && views.some((v) => v.calls.some((c) => installStep(c) !== null));
}
