/**
 * DS004's keep of ca-certificates, undone where the TLS use ends: when every TLS client the install brings (curl,
 * wget, …) is purged again, later in the RUN or in a later RUN of the stage, and apt auto-removes there, the fix
 * also puts `apt-get purge -y ca-certificates && ` before that auto-removal, so the CA store (and openssl, libssl3,
 * which the auto-removal then takes) goes with the client. `apt-mark auto` would not do: apt itself Recommends
 * ca-certificates, so the auto-removal keeps it. Only when nothing after that RUN talks TLS (stage usage, stages built
 * FROM it, the image's commands), no other install of the stage chain brings a TLS client or an HTTP runtime, and the
 * base is a plain debian/ubuntu image (which ships no CA store of its own that something else may use).
 */
import { hasFlag } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { docStart } from '../../kernel/run-script.js';
import type { Edit } from '../../kernel/types.js';
import { stageChain } from '../layer-contents/contents.js';
import { viewMap } from '../run-views.js';
import { isRemoval, pkgOps, removedNames, type PkgOp } from './operations.js';
import { aptInstalls } from './recommends-plan.js';
import { recommendNeeded, talksTls } from './recommends.js';
import { stageUsage } from './stage-usage.js';
import { releaseOfImage } from '../../../../common/src/package-index/release.js';

const autoRemoves = (o: PkgOp): boolean => o.sub.value === 'autoremove' || hasFlag(o.call, ['auto-remove', 'autoremove']);

/** The insertion `apt-get purge -y ca-certificates && ` for the install `callIndex` of `instr`, or null. */
export function caAutoAgain(model: Model, instr: Instr, callIndex: number, installed: readonly string[]): Edit | null {
  const clients = installed.filter(talksTls);
  if (clients.length === 0) return null;
  const root = stageChain(instr.stage, 64).pop();
  if (!root || root.parent || !/(^|\/)(debian|ubuntu):[^@]*$/.test(root.imageExpanded) || releaseOfImage(root.imageExpanded)?.flavour !== 'minbase') {
    return null;
  }
  // No other install of the stage chain brings a TLS client or a runtime that may use the CA store.
  const chain = new Set<Stage | null>(stageChain(instr.stage, 64));
  for (const [i, list] of aptInstalls(model)) {
    if (!chain.has(i.stage)) continue;
    for (const x of list) if (!(i === instr && x.callIndex === callIndex) && x.names.some(talksTls)) return null;
  }
  const views = viewMap(model);
  const stage = instr.stage?.instrs ?? [];
  const from = stage.indexOf(instr);
  if (from < 0) return null;
  const left = new Set(clients);
  for (let k = from; k < stage.length; k++) {
    const ins = stage[k] as Instr;
    if (ins.onbuild !== instr.onbuild) continue;
    const view = views.get(ins);
    if (!view) continue;
    for (const o of pkgOps(view)) {
      if (o.manager !== 'apt' || (ins === instr && o.callIndex <= callIndex)) continue;
      if (!isRemoval(o)) {
        if (left.size > 0) continue;
        return null; // an install between the purge and the auto-removal: keep it simple
      }
      for (const n of removedNames(o, ins.env)) left.delete(n);
      if (left.size > 0 || !autoRemoves(o)) continue;
      // Every client is gone and apt auto-removes here: nothing after this RUN may talk TLS.
      const next = stage[k + 1];
      if (!next) return null;
      const usage = stageUsage(model, next);
      if (recommendNeeded('ca-certificates', usage, [])) return null;
      const cmd = o.call.cmd;
      if (view.run.form !== 'shell' || cmd.depth > 0 || cmd.condition || ![null, '&&', '\n', ';'].includes(cmd.before)) return null;
      const at = docStart(view.run, o.call.nameWord.start);
      return { start: at, end: at, text: 'apt-get purge -y ca-certificates && ' };
    }
  }
  return null;
}
