/**
 * DS014's apt case: `apt-get remove/purge <build packages>` without `--auto-remove` (and no
 * `apt-get autoremove` after it in the RUN) removes only the named packages; the compilers and
 * libraries they pulled in stay in the layer. With a cached package index the finding names them.
 */
import { hasFlag } from '../engine/commands.js';
import { insertAfterWord } from '../engine/edits.js';
import { expand } from '../engine/model.js';
import type { Fix } from '../engine/types.js';
import type { Report } from './rule.js';
import type { RuleContext } from './rule.js';
import { callRange, type RunView } from './helpers.js';
import { isInstall, pkgName, type PkgOp } from './package-ops.js';
import { installEstimate, leftBehind } from '../packages/rule-data.js';
import { formatBytes } from '../packages/format.js';

const autoRemoves = (op: PkgOp): boolean => op.sub.value === 'autoremove' || hasFlag(op.call, ['auto-remove', 'autoremove']);

/** Findings for apt removals of build packages in `view` that leave their dependencies behind. */
export function removalLeftovers(ctx: RuleContext, view: RunView, ops: readonly PkgOp[], isBuildPkg: (n: string) => boolean): Report[] {
  const out: Report[] = [];
  const env = view.instr.env;
  for (const op of ops) {
    if (op.manager !== 'apt' || (op.sub.value !== 'remove' && op.sub.value !== 'purge') || autoRemoves(op)) continue;
    if (ops.some((o) => o.manager === 'apt' && o.callIndex > op.callIndex && autoRemoves(o))) continue;
    const names = op.pkgs.map((w) => pkgName(expand(w.value, env))).filter(isBuildPkg);
    const install = ops.find(
      (o) => o.manager === 'apt' && isInstall(o) && o.callIndex < op.callIndex && o.pkgs.some((w) => names.includes(pkgName(expand(w.value, env)))),
    );
    if (names.length === 0 || !install) continue;
    const est = installEstimate(ctx.model, ctx.options, install.call);
    const left = est ? leftBehind(est, names) : undefined;
    const compilers = left?.filter((p) => isBuildPkg(p.name) || /^(cpp|gcc|g\+\+|binutils)(-|$)/.test(p.name));
    const what = left?.length
      ? `the ${left.length} packages they pulled in stay (≈${formatBytes(left.reduce((s, p) => s + p.bytes, 0))}${
          compilers?.length
            ? `, compilers and tools: ${compilers
                .slice(0, 6)
                .map((p) => p.name)
                .join(', ')}${compilers.length > 6 ? ', …' : ''}`
            : ''
        })`
      : 'the compilers and libraries they pulled in (gcc, make, …) stay';
    const edit = insertAfterWord(view.instr, op.sub, '--auto-remove');
    const fix: Fix | undefined = edit
      ? { title: 'Add `--auto-remove` (also removes automatically installed packages nothing else needs)', safe: false, edits: [edit] }
      : undefined;
    out.push({
      instr: view.instr,
      ...callRange(view.run, op.call),
      message: `\`apt-get ${op.sub.value} ${names.join(' ')}\` without \`--auto-remove\` removes only the named packages: ${what} and ship in the image.`,
      fix,
    });
  }
  return out;
}
