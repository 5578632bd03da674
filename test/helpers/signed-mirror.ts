/**
 * A local apt mirror for the package-index tests: a throw-away OpenPGP key (gpg, in its own home), keyrings holding
 * it under the names the store looks for, and Release files signed with it (clearsigned InRelease), so that a test
 * can serve honest, tampered and re-signed indexes from 127.0.0.1. `undefined` where gpg is not installed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestKey {
  /** A folder with debian-archive-keyring.gpg and ubuntu-archive-keyring.gpg holding only this key. */
  keyringDir: string;
  /** Clearsigns `text` (an InRelease file). */
  sign(text: string): Buffer;
  dispose(): void;
}

function gpg(home: string, args: string[], input?: string): Buffer {
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${r.stderr?.toString() ?? r.error?.message}`);
  return r.stdout;
}

export function gpgAvailable(): boolean {
  return spawnSync('gpg', ['--version']).status === 0 && spawnSync('gpgv', ['--version']).status === 0;
}

export function makeKey(name: string): TestKey {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-gpg-'));
  fs.chmodSync(home, 0o700);
  gpg(home, ['--quick-gen-key', `${name} <${name}@example.invalid>`, 'ed25519', 'sign', 'never']);
  const keyringDir = path.join(home, 'keyrings');
  fs.mkdirSync(keyringDir);
  const pub = gpg(home, ['--export']);
  for (const distro of ['debian', 'ubuntu']) fs.writeFileSync(path.join(keyringDir, `${distro}-archive-keyring.gpg`), pub);
  return {
    keyringDir,
    sign: (text) => gpg(home, ['--clearsign'], text),
    dispose: () => {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A Release text listing `files` (name in the Release → content) under SHA256, as Debian writes it. */
export function releaseText(codename: string, files: Record<string, Buffer>, dates: { date?: string; validUntil?: string } = {}): string {
  const lines = Object.entries(files).map(([name, body]) => ` ${createHash('sha256').update(body).digest('hex')} ${String(body.length).padStart(9)} ${name}`);
  const date = `Date: ${dates.date ?? 'Sat, 11 Jul 2026 10:00:00 UTC'}\n${dates.validUntil ? `Valid-Until: ${dates.validUntil}\n` : ''}`;
  return `Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: ${codename}\n${date}Architectures: amd64\nComponents: main\nSHA256:\n${lines.join('\n')}\n`;
}
