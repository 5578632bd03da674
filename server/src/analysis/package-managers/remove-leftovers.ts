/**
 * DS014's apt case: `apt-get remove/purge <build packages>` without `--auto-remove` (and no
 * `apt-get autoremove` after it in the RUN) removes only the named packages; the compilers and
 * libraries they pulled in stay in the layer. With a cached package index the finding names them.
 */
import { hasFlag } from '../../kernel/commands.js';
import { docEnd, docStart } from '../../kernel/run-script.js';
import type { Fix } from '../../kernel/types.js';
import type { Report } from '../../kernel/rule.js';
import type { RuleContext } from '../../kernel/rule.js';
import { callRange, type RunView } from '../run-views.js';
import { isInstall, pkgNames, type PkgOp } from './operations.js';
import { installEstimate, leftBehind } from './size-data.js';
import { formatBytes } from './format.js';
import { runtimeKeep } from './build-deps-purge.js';

const autoRemoves = (op: PkgOp): boolean => op.sub.value === 'autoremove' || hasFlag(op.call, ['auto-remove', 'autoremove']);

/** Findings for apt removals of build packages in `view` that leave their dependencies behind. */
export function removalLeftovers(ctx: RuleContext, view: RunView, ops: readonly PkgOp[], isBuildPkg: (n: string) => boolean): Report[] {
  const out: Report[] = [];
  const env = view.instr.env;
  for (const op of ops) {
    if (op.manager !== 'apt' || (op.sub.value !== 'remove' && op.sub.value !== 'purge') || autoRemoves(op)) continue;
    if (ops.some((o) => o.manager === 'apt' && o.callIndex > op.callIndex && autoRemoves(o))) continue;
    const names = pkgNames(op.pkgs, env).filter((n) => n && !n.includes('$') && isBuildPkg(n));
    // An install in the same RUN lets a cached package index name what stays behind.
    const install = ops.find((o) => o.manager === 'apt' && isInstall(o) && o.callIndex < op.callIndex && pkgNames(o.pkgs, env).some((n) => names.includes(n)));
    if (names.length === 0) continue;
    const est = install ? installEstimate(ctx.model, ctx.options, install.call) : undefined;
    const left = est ? leftBehind(est, names) : undefined;
    const compilers = left?.filter((p) => isBuildPkg(p.name) || /^(cpp|gcc|g\+\+|binutils)(-|$)/.test(p.name));
    const what = left?.length
      ? `${left.length === 1 ? 'the one package they pulled in stays' : `the ${left.length} packages they pulled in stay`} (≈${formatBytes(left.reduce((s, p) => s + p.bytes, 0))}${
          compilers?.length
            ? `, compilers and tools: ${compilers
                .slice(0, 6)
                .map((p) => p.name)
                .join(', ')}${compilers.length > 6 ? ', …' : ''}`
            : ''
        })`
      : 'the compilers and libraries they pulled in (gcc, make, …) stay';
    const fix = autoRemoveFix(ctx, view, op, names);
    out.push({
      instr: view.instr,
      ...callRange(view.run, op.call),
      message: `\`${op.call.name} ${op.sub.value} ${names.join(' ')}\` without \`--auto-remove\` removes only the named packages: ${what} and ship in the image.`,
      fix,
    });
  }
  return out;
}

/**
 * `apt-get remove gcc` → `apt-get purge -y --auto-remove gcc`, after `apt-mark manual <runtime libraries>` (the `-dev`
 * packages' run-time halves, gcc's libgomp1/libatomic1) when the call heads a `&&` list item. Unsafe when a `-dev`
 * package's libraries are unknown (the program may load them at run time) or cannot be marked.
 */
function autoRemoveFix(ctx: RuleContext, view: RunView, o: PkgOp, names: string[]): Fix | undefined {
  const { run } = view;
  if (run.script.unterminated || (run.form === 'exec' && !run.execShell)) return undefined;
  const text = `purge${hasFlag(o.call, ['yes', 'assume-yes'], ['y']) ? '' : ' -y'} --auto-remove`;
  const title = `Use \`${o.call.name} purge -y --auto-remove\``;
  const edit = { start: docStart(run, o.sub.start), end: docEnd(run, o.sub.end), text: run.form === 'exec' ? JSON.stringify(text).slice(1, -1) : text };
  const { keep, unknown } = runtimeKeep(ctx.options, view.instr, names);
  const cmd = o.call.cmd;
  const markable = run.form === 'shell' && cmd.depth === 0 && !cmd.condition && [null, '&&', '\n', ';'].includes(cmd.before);
  const dev = names.filter((n) => /-(dev|devel)$/.test(n));
  if (keep.size === 0 || !markable) {
    const why = unknown[0] ?? dev[0];
    return { title, safe: !why, ...(why ? { unsafeReason: `${why}'s libraries may be needed at run time` } : {}), edits: [edit] };
  }
  const libs = [...keep].sort();
  const mark = { start: docStart(run, o.call.nameWord.start), end: docStart(run, o.call.nameWord.start), text: `apt-mark manual ${libs.join(' ')} && ` };
  return {
    title: `${title}, keeping ${libs.join(', ')}`,
    safe: unknown.length === 0,
    ...(unknown.length ? { unsafeReason: `${unknown[0]}'s libraries may be needed at run time` } : {}),
    edits: [mark, edit],
  };
}
