/** The COPY/ADD lines of a Dockerfile that read the build context, with their source words (for context sizes). */
import { buildModel } from '../kernel/model.js';
import { copySources } from '../../../common/src/build-context/copy-sources.js';
import { copyFlags } from '../../../common/src/build-context/copy-select.js';
import type { CopyInput } from '../../../common/src/build-context/summarize.js';

export function contextCopies(text: string): CopyInput[] {
  const out: CopyInput[] = [];
  for (const i of buildModel(text).instrs) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.onbuild) continue;
    const sources = copySources(i.args);
    if (!sources || !sources.length) continue;
    const { exclude, parents } = copyFlags(i.args);
    out.push({ line: i.line + 1, sources, ...(exclude.length ? { exclude } : {}), ...(parents ? { parents } : {}) });
  }
  return out;
}
