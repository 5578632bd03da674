/**
 * package.json's contributions against the code: every contributed command is a constant in
 * common/src/protocol.ts and is registered by the extension; every command the extension registers or a menu,
 * walkthrough or lens names exists; every setting is read by the extension (client/src/setting-defaults.ts, with
 * the same default) or by the language server (server/src/lsp/settings.ts). Strings once: no command id or custom
 * notification is spelled out anywhere but protocol.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protocol from '../../common/src/protocol.js';
import { CLIENT_SETTINGS, fullName, SECTION, type ClientSetting } from '../../client/src/setting-defaults.js';
import { defaults as serverDefaults, normalise } from '../../server/src/lsp/settings.js';
import { repoRoot } from '../helpers/paths.js';

interface Pkg {
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; type?: string | string[] }> };
  };
}
const pkgText = fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8');
const pkg = JSON.parse(pkgText) as Pkg;
const contributed = pkg.contributes.commands.map((c) => c.command);

function sources(dir: string): { file: string; text: string }[] {
  return fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(repoRoot, dir, f), 'utf8') }));
}
const client = sources('client/src');
const server = sources('server/src');

/** protocol.ts's exported string constants, by name. */
const constants = new Map<string, string>((Object.entries(protocol) as [string, unknown][]).filter((e): e is [string, string] => typeof e[1] === 'string'));
const commandIds = new Map([...constants].filter(([name]) => name.endsWith('_COMMAND')));

test('package.json contributes exactly the commands protocol.ts lists, each once, with a title', () => {
  assert.equal(contributed.length, 8);
  assert.deepEqual([...contributed].sort(), [...protocol.CONTRIBUTED_COMMANDS].sort());
  assert.equal(new Set(contributed).size, contributed.length, 'no command contributed twice');
  for (const c of pkg.contributes.commands) assert.ok(c.title.trim(), `${c.command} has a title`);
});

test('the extension registers every command of protocol.ts, once, under its constant', () => {
  const registered: string[] = [];
  for (const { file, text } of client) {
    for (const m of text.matchAll(/registerCommand\(\s*([A-Za-z_$][\w$]*|'[^']*')/g)) {
      const arg = m[1]!;
      assert.ok(!arg.startsWith("'"), `${file} registers ${arg} as a literal: use its constant in common/src/protocol.ts`);
      const id = commandIds.get(arg);
      assert.ok(id, `${file} registers ${arg}, which is not a command constant of protocol.ts`);
      registered.push(id);
    }
  }
  assert.deepEqual([...registered].sort(), [...commandIds.values()].sort());
  for (const c of contributed) assert.ok(registered.includes(c), `${c} is contributed but never registered`);
});

test('menus and walkthroughs name only contributed commands, and every contributed command has a palette entry', () => {
  const inMenus = Object.values(pkg.contributes.menus).flatMap((items) => items.map((i) => i.command));
  for (const c of inMenus) assert.ok(contributed.includes(c), `menu names ${c}`);
  assert.deepEqual([...new Set(pkg.contributes.menus.commandPalette?.map((i) => i.command))].sort(), [...contributed].sort());
  for (const m of pkgText.matchAll(/command:(dockerfileSlim\.[A-Za-z]+)/g)) assert.ok(contributed.includes(m[1]!), `package.json links ${m[1]}`);
});

test('strings once: command ids and custom notifications appear only in common/src/protocol.ts', () => {
  const ids = [...constants.values()].filter((v) => /^dockerfileSlim[./]/.test(v));
  assert.ok(ids.includes('dockerfileSlim/builder') && ids.includes('dockerfileSlim/relint'));
  const offenders: string[] = [];
  for (const { file, text } of [...client, ...server]) {
    for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) offenders.push(`${file}: ${id}`);
  }
  assert.deepEqual(offenders, []);
});

test('every setting in package.json is read by the extension or the server, with the same default', () => {
  const props = pkg.contributes.configuration.properties;
  const serverKeys = ['enable', 'rules', 'build.context'];
  // vscode-languageclient reads `<client id>.trace.server` itself (client/src/language-client.ts).
  const languageClientKeys = ['trace.server'];
  const declared = Object.keys(props).sort();
  const read = [...new Set([...Object.keys(CLIENT_SETTINGS), ...serverKeys, ...languageClientKeys])].map((k) => `${SECTION}.${k}`).sort();
  assert.deepEqual(declared, read);
  for (const [key, value] of Object.entries(CLIENT_SETTINGS)) {
    assert.deepEqual(props[fullName(key as ClientSetting)]?.default, value, `${key}: package.json default = client default`);
  }
  // The server's own reads: defaults match, and each key really changes what normalise returns.
  assert.equal(props[`${SECTION}.enable`]?.default, serverDefaults.enable);
  assert.equal(props[`${SECTION}.build.context`]?.default, serverDefaults.buildContext);
  assert.equal(normalise({ enable: false }).enable, false);
  assert.equal(normalise({ build: { context: 'app' } }).buildContext, 'app');
  assert.deepEqual(normalise({ rules: { ds003: 'off' } }).rules, { DS003: 'off' });
});

test('client code reads settings only through client/src/settings.ts', () => {
  const direct = client.filter(({ file, text }) => !file.endsWith('settings.ts') && /getConfiguration\(\s*'dockerfileSlim'|\.get<[^>]*>\(\s*'[a-z]/.test(text));
  assert.deepEqual(
    direct.map((f) => f.file),
    [],
  );
});

test('every test script compiles what it runs first, and test:ui runs every UI script', () => {
  const scripts = (JSON.parse(pkgText) as { scripts: Record<string, string> }).scripts;
  for (const [name, cmd] of Object.entries(scripts)) {
    if (!/\bout\//.test(cmd)) continue;
    // The first command builds (tsc -b plus the stale-file check), or an npm script that does.
    assert.match(cmd, /^(node scripts\/build-tests\.mjs|npm run (compile|test:docker))\b/, `${name} runs compiled code without compiling first: ${cmd}`);
  }
  assert.match(scripts['test:ui'] ?? '', /scripts\/run-ui\.mjs/);
  assert.doesNotMatch(scripts['test:corpus'] ?? '', /out\/test\/unit/, 'the corpus tier does not re-run unit files');
});

test('every walkthrough image exists, is packaged (.vscodeignore), and is small enough to read in the walkthrough pane', () => {
  const walkthroughs =
    (JSON.parse(pkgText) as { contributes: { walkthroughs?: { steps: { media?: { image?: string } }[] }[] } }).contributes.walkthroughs ?? [];
  const images = walkthroughs.flatMap((w) => w.steps.map((s) => s.media?.image).filter((i): i is string => !!i));
  assert.ok(images.length > 0, 'the walkthrough shows images');
  const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
  for (const image of new Set(images)) {
    const file = path.join(repoRoot, image);
    assert.ok(fs.existsSync(file), `${image} exists`);
    assert.ok(ignore.includes(`!${image}`), `${image} is packaged`);
    // PNG width at bytes 16-19: a cropped picture, not a 1400-pixel window the pane shrinks to unreadable text.
    assert.ok(fs.readFileSync(file).readUInt32BE(16) <= 1100, `${image} is cropped to what the step shows`);
  }
});
