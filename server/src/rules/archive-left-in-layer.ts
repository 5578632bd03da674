import { hasFlag, positionals, type Call } from '../kernel/commands.js';
import { appendCommand, mergeRuns } from '../kernel/edits.js';
import { expand, type Instr, type Model } from '../kernel/model.js';
import type { Edit, Fix } from '../kernel/types.js';
import { downloadTarget, runCreations } from '../analysis/layer-contents/downloads.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, viewOf, type RunView } from '../analysis/run-views.js';
import { deletedByLaterRun } from '../analysis/layer-contents/stage-indexes.js';
import { lastBefore } from '../kernel/stage-index.js';
import {
  buildsOn,
  callDirs,
  hasHeredoc,
  copyArgs,
  deletedInSameRun,
  isUrl,
  joinPath,
  stageChain,
  workdirAt,
  type Created,
} from '../analysis/layer-contents/contents.js';
import { installedNames, isInstall, pkgOps } from '../analysis/package-managers/operations.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** How a call consumes a file it names, if it does: "unpacks", "installs" or "runs" (which file: `refPaths`). */
function consumeKind(call: Call): string | null {
  const first = call.args[0]?.value ?? '';
  switch (call.name) {
    case 'tar':
      // `tar xzf f`, `tar -xf f`, `tar --extract -f f`.
      return /^-?[a-zA-Z]*x/.test(first) || hasFlag(call, ['extract', 'get'], ['x']) ? 'unpacks' : null;
    case 'unzip':
    case 'bsdtar':
      return 'unpacks';
    case '7z':
    case '7za':
    case '7zr':
      return first === 'x' || first === 'e' ? 'unpacks' : null;
    case 'gunzip':
    case 'bunzip2':
    case 'unxz':
    case 'zstd':
    case 'unzstd':
      // Without -k/-c these replace the archive with its content: nothing is left behind.
      return hasFlag(call, ['keep', 'stdout'], ['k', 'c']) ? 'unpacks' : null;
    case 'dpkg':
      return hasFlag(call, ['install'], ['i']) ? 'installs' : null;
    case 'rpm':
      return hasFlag(call, ['install', 'upgrade'], ['i', 'U']) ? 'installs' : null;
    case 'apt-get':
    case 'apt':
    case 'apk':
    case 'pip':
    case 'pip3':
      return 'installs';
    default:
      return SHELLS.has(call.name) && positionals(call)[0] ? 'runs' : null;
  }
}

/** The absolute paths a call's arguments name (relative ones need a known `cwd`). */
function refPaths(call: Call, cwd: string | null, env: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const w of call.args) {
    const v = expand(w.value, env);
    if (/\$\(|`/.test(v)) continue;
    const p = v.startsWith('/') ? joinPath('/', v) : cwd !== null ? joinPath(cwd, v) : null;
    if (p !== null) out.push(p);
  }
  return out;
}

function consumes(call: Call, cwd: string | null, path: string, env: ReadonlyMap<string, string>): string | null {
  const how = consumeKind(call);
  return how && refPaths(call, cwd, env).includes(path) ? how : null;
}

interface Use {
  instr: Instr;
  how: string;
  by: string;
}

/** Every RUN call that unpacks, installs or runs a file, by the file's path, in file order (once per model). */
const usesCache = new WeakMap<Model, Map<string, Use[]>>();
function usesByPath(model: Model): Map<string, Use[]> {
  let m = usesCache.get(model);
  if (m) return m;
  m = new Map();
  for (const v of runViews(model)) {
    const dirs = callDirs(v);
    v.calls.forEach((call, i) => {
      const how = consumeKind(call);
      if (!how) return;
      for (const p of new Set(refPaths(call, dirs[i] ?? null, v.instr.env))) {
        const list = m!.get(p) ?? [];
        if (list.length === 0) m!.set(p, list);
        list.push({ instr: v.instr, how, by: call.name });
      }
    });
  }
  usesCache.set(model, m);
  return m;
}

/** Is the path deleted by a later RUN of the same stage? Then DS002 reports it; don't report twice. */
function deletedLater(model: Model, created: Created): boolean {
  return deletedByLaterRun(model, created);
}

/** Shell-quotes a path; `$V` / `${V}` references stay references (double quotes), never their values. */
const quote = (p: string): string =>
  /^[A-Za-z0-9_./@%+=:,-]+$/.test(p) ? p : p.includes('$') ? `"${p.replace(/["\\`]/g, '\\$&')}"` : `'${p.replace(/'/g, `'\\''`)}'`;

function checkRun(model: Model, view: RunView, report: (call: Call, message: string, fix?: Fix) => void): void {
  const dirs = callDirs(view);
  for (const c of runCreations(view)) {
    if (c.how !== 'download' || c.callIndex === undefined || !c.call) continue;
    const mounted = (m: { type: string; target: string }): boolean =>
      (m.type === 'cache' || m.type === 'tmpfs') && m.target !== '' && (c.path === m.target || c.path.startsWith(m.target.replace(/\/$/, '') + '/'));
    // A download into a cache or tmpfs mount never reaches the layer.
    if (view.run.mounts.some(mounted)) continue;
    let how: string | null = null;
    let by = '';
    for (let i = c.callIndex + 1; i < view.calls.length && !how; i++) {
      const call = view.calls[i] as Call;
      how = consumes(call, dirs[i] ?? null, c.path, view.instr.env);
      by = call.name;
    }
    if (!how) {
      if (!deletedInSameRun(model, c) && !deletedLater(model, c)) reportLater(model, view, c, report);
      continue;
    }
    if (deletedInSameRun(model, c) || deletedLater(model, c)) continue;
    const noCd = !view.calls.some((k) => k.name === 'cd' || k.name === 'pushd');
    const dl = c.call;
    // Keep a relative name when the user wrote one and the RUN never changes directory.
    const wd = workdirAt(view.instr);
    const writtenAbs = dl.args.some((w) => w.value === c.path);
    let target = noCd && !writtenAbs && wd && c.path.startsWith(wd === '/' ? '/' : `${wd}/`) ? c.path.slice(wd === '/' ? 1 : wd.length + 1) : c.path;
    // A name written with variables: delete it by the same name, never by the ARG's default value.
    const raw = downloadTarget(dl)?.file ?? '';
    let known = true;
    if (raw.includes('$')) {
      known = raw.startsWith('/') || (noCd && !dl.args.some((w) => w.value.startsWith('-P') || w.value.startsWith('--directory-prefix')));
      target = raw;
    }
    const edit = known ? appendCommand(model, view.instr, `rm -f ${quote(target)}`) : null;
    report(
      dl,
      `\`${dl.name}\` saves ${c.path}, which \`${by}\` ${how}, but the archive itself stays in this layer: delete it in the same RUN, or pipe the download instead.`,
      edit ? { title: `Append \`rm -f ${target}\``, safe: true, edits: [edit] } : undefined,
    );
  }
}

/**
 * A download that a later RUN of the stage unpacks or installs: the archive stays in the download's
 * layer. Fix: merge the RUNs (when only RUNs and comments lie between) and delete it at the end; a
 * merge that DS001 or DS003 offers then keeps this one finding instead of breeding a new one.
 */
function reportLater(model: Model, view: RunView, c: Created, report: (call: Call, message: string, fix?: Fix) => void): void {
  const use = (usesByPath(model).get(c.path) ?? []).find((u) => u.instr.stage === view.instr.stage && buildsOn(u.instr, view.instr));
  if (!use || !c.call) return;
  const runs = runViews(model)
    .filter(
      (v) =>
        v.instr.stage === view.instr.stage && v.instr.onbuild === view.instr.onbuild && v.instr.start >= view.instr.start && v.instr.start <= use.instr.start,
    )
    .map((v) => v.instr);
  const raw = downloadTarget(c.call)?.file ?? '';
  const cd = runs.some((i) => viewOf(model, i)?.calls.some((k) => k.name === 'cd' || k.name === 'pushd'));
  const target = raw.startsWith('/') || (!cd && raw !== '' && !raw.startsWith('-')) ? raw : null;
  const merge = target && runs.length <= 8 ? mergeRuns(model, runs, true) : null;
  const rm = merge ? appendCommand(model, use.instr, `rm -f ${quote(target as string)}`) : null;
  const lines = runs.slice(1).map((i) => i.line + 1);
  report(
    c.call,
    `\`${c.call.name}\` saves ${c.path}, which \`${use.by}\` at line ${use.instr.line + 1} ${use.how}, but the archive stays in this RUN's layer: download, unpack and delete it in one RUN.`,
    merge && rm
      ? {
          title: `Merge with the RUN${lines.length > 1 ? 's' : ''} at line ${lines.join(', ')} and append \`rm -f ${target}\``,
          safe: true,
          edits: [...merge, rm],
        }
      : undefined,
  );
}

/** An earlier instruction or the base image provides wget or curl (for the ADD → RUN conversion). */
function downloader(model: Model, instr: Instr): 'wget' | 'curl' | null {
  const chain = stageChain(instr.stage);
  const root = chain[chain.length - 1];
  const found = lastBefore(model, instr, 'ds013-downloader', 'same', (ins): 'wget' | 'curl' | undefined => {
    const view = viewOf(model, ins);
    if (!view) return undefined;
    for (const o of pkgOps(view)) {
      if (!isInstall(o)) continue;
      const names = installedNames(o, ins.env);
      if (names.includes('curl')) return 'curl';
      if (names.includes('wget')) return 'wget';
    }
    return undefined;
  });
  if (found) return found;
  // busybox (and so Alpine) ships a wget applet.
  return root && /(^|\/)(alpine|busybox)(:|@|$)|:[^/]*alpine/.test(root.imageExpanded) ? 'wget' : null;
}

/** The later RUN call (this stage or one built FROM it) that unpacks, installs or runs the ADDed file, if any. */
function consumedLater(model: Model, instr: Instr, path: string): Use | null {
  for (const u of usesByPath(model).get(path) ?? []) {
    if (buildsOn(u.instr, instr)) return u;
  }
  return null;
}

/**
 * The converted download joined to the RUN right after the ADD that uses the file, and the file deleted at
 * its end (by absolute path: that RUN may `cd`). Null when that RUN is not next, not plain shell form, or
 * a comment lies between (the joined range would drop it).
 */
function joinedWithUse(model: Model, instr: Instr, use: Use, run: string, path: string, kwStart: number): Edit[] | null {
  const next = model.instrs[model.instrs.indexOf(instr) + 1];
  const body = next?.run;
  if (next !== use.instr || !body || body.form !== 'shell' || body.flags.length > 0 || next.onbuild !== instr.onbuild || !path.startsWith('/')) return null;
  if (model.text.slice(instr.end, body.bodyStart).includes('#') || hasHeredoc(next)) return null;
  const rm = appendCommand(model, next, `rm -f ${quote(path)}`);
  if (!rm || rm.start <= body.bodyStart) return null;
  return [{ start: kwStart, end: body.bodyStart, text: `RUN ${run} && ${model.escape}${model.eol}    ` }, rm];
}

/** Where `ADD <url> <dest>` puts the file (absolute), or null when the WORKDIR is unknown. */
function addedPath(instr: Instr, url: string, dest: string): string | null {
  const base = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const name = base.slice(base.lastIndexOf('/') + 1);
  const wd = dest.startsWith('/') ? '/' : workdirAt(instr);
  if (wd === null) return null;
  return dest.endsWith('/') || dest === '.' ? joinPath(joinPath(wd, dest), name) : joinPath(wd, dest);
}

function checkAdd(model: Model, instr: Instr, report: (start: number, end: number, message: string, fix?: Fix) => void): void {
  const info = copyArgs(instr);
  if (!info) return;
  for (const src of info.sources) {
    const url = expand(src, instr.env);
    // A git URL is a repository checkout, not a download.
    if (!isUrl(url) || /\.git(#|$)/.test(url)) continue;
    // A file ADDed to be used as it is (a binary, a script, a jar) is what the image needs: only an archive or installer that a later RUN unpacks or installs is waste.
    const added = addedPath(instr, url, expand(info.dest, instr.env));
    const use = added ? consumedLater(model, instr, added) : null;
    if (!use) continue;
    const at = model.text.indexOf(src, instr.argsStart);
    const start = at >= 0 && at < instr.end ? at : instr.start;
    const end = at >= 0 && at < instr.end ? at + src.length : instr.end;
    let fix: Fix | undefined;
    const tool = downloader(model, instr);
    const dest = info.dest;
    if (tool && info.flags.length === 0 && info.sources.length === 1 && !dest.includes('$') && !instr.onbuild) {
      // The URL as written: an ARG/ENV reference stays a reference (RUN sees the same variables).
      const base = src.replace(/[?#].*$/, '').replace(/\/+$/, '');
      const file = dest.endsWith('/') || dest === '.' ? joinPath(dest.startsWith('/') ? dest : `/${dest}`, base.slice(base.lastIndexOf('/') + 1)) : dest;
      const path = dest.startsWith('/') ? file : file.replace(/^\//, '');
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const mk = dir && dir !== '/tmp' ? `mkdir -p ${quote(dir)} && ` : '';
      const get = tool === 'wget' ? `wget -q -O ${quote(path)} ${quote(src)}` : `curl -fsSL -o ${quote(path)} ${quote(src)}`;
      const kwStart = instr.start + model.text.slice(instr.start, instr.argsStart).search(/ADD/i);
      const joined = added ? joinedWithUse(model, instr, use, `${mk}${get}`, added, kwStart) : null;
      if (joined) {
        fix = {
          title: `Download with ${tool} in the RUN at line ${use.instr.line + 1} and delete it there`,
          safe: false,
          unsafeReason: 'file mode 644 instead of 600',
          edits: joined,
        };
      } else {
        fix = {
          title: `Download with ${tool} in a RUN`,
          safe: false,
          unsafeReason: 'file mode 644 instead of 600; then unpack and delete it in that RUN',
          edits: [{ start: kwStart, end: instr.end, text: `RUN ${mk}${get}` }],
        };
      }
    }
    report(
      start,
      end,
      `\`ADD ${src}\` keeps the downloaded file in its own layer although \`${use.by}\` later ${use.how} it: download, unpack and delete in one RUN.`,
      fix,
    );
  }
}

export default defineRule({
  id: 'DS013',
  name: 'archive-left-in-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  measuredSaving: 'archiveBytes',
  docs: {
    summary: 'A downloaded archive or installer is unpacked and left in the layer',
    why: 'The archive is as big as (or bigger than) what it unpacks to. Left in the layer, every byte ships twice; deleting it in a later RUN does not help.',
    bad: 'RUN wget -O /tmp/node.tar.xz https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz \\\n    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1',
    good: 'RUN curl -fsSL https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz \\\n    | tar -xJ -C /usr/local --strip-components=1',
    notes:
      'Flags `ADD http(s)://…` (the download stays in the ADD layer; `ADD` of a local tar auto-extracts and is not flagged, nor are git URLs), and a RUN where `wget`/`curl` saves a file that `tar x`, `unzip`, `7z x`, `gunzip -k`, `dpkg -i`, `rpm -i`, `apt-get install ./x.deb`, `pip install` or `sh file` then uses, without deleting it later in the same RUN. Piped downloads (`curl … | tar xz`) and downloads into a cache/tmpfs mount are fine. A file a later RUN deletes is reported by DS002 instead. A download that a later RUN of the stage unpacks is reported too (the archive stays in the layer of the download); its fix merges the RUNs and deletes the archive at the end, offered when only RUNs and comments lie between them. ' +
      'Fix for the RUN case: append `rm -f <file>` (safe). For `ADD <url>` the only fix is unsafe: a RUN with wget or curl (joined to the RUN right after it that uses the file, which then deletes it by its absolute path), offered when the base image is Alpine/busybox or an earlier RUN installs one of them; the file then gets mode 644 instead of 600, and you still need to move the unpacking into that RUN. In stages that do not ship the finding is a hint.',
    seeAlso: ['DS002', 'hadolint DL3020', 'docker-parfum tarSomethingRmTheSomething'],
  },
  check(ctx) {
    for (const view of runViews(ctx.model)) {
      checkRun(ctx.model, view, (call, message, fix) => ctx.report({ instr: view.instr, ...callRange(view.run, call), message, fix }));
    }
    for (const instr of ctx.model.instrs) {
      if (instr.keyword !== 'ADD') continue;
      checkAdd(ctx.model, instr, (start, end, message, fix) => ctx.report({ instr, start, end, message, fix }));
    }
  },
});
