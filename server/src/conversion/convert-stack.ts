/** DS010's conversions for Node, Python, Java and C/C++: picks the converter and words the fix title. */
import type { Model, Stage } from '../kernel/model.js';
import type { Fix, LintOptions } from '../kernel/types.js';
import { finalToolchain, type Toolchain, type ToolchainKind } from '../analysis/images/base-images.js';
import { convertC } from './convert-c.js';
import { convertJava } from './convert-java.js';
import { convertNode } from './convert-node.js';
import { convertPython } from './convert-python.js';

/** `options.context.node`: the build context's Node projects, when the caller read it (Prisma, install scripts); `options.packages`: the index the C/C++ conversion reads `-dev` packages' runtime libraries from. */
export function stackFix(model: Model, final: Stage, kind: ToolchainKind, options: LintOptions = {}): Fix | undefined {
  const projects = options.context?.node ?? [];
  const title = (what: string, image: string, detail: string): string => `Convert to multi-stage build (${what} → ${image}, ${detail})`;
  if (kind === 'node') {
    const r = convertNode(model, final, projects);
    if (!r) return undefined;
    return {
      title: title('Node', r.runtimeImage, 'production dependencies only'),
      safe: false,
      edits: r.edits,
      ...(r.caveat ? { unsafeReason: r.caveat } : {}),
    };
  }
  if (kind === 'python') {
    const r = convertPython(model, final);
    return r ? { title: title('Python', r.runtimeImage, 'venv copied'), safe: false, edits: r.edits } : undefined;
  }
  if (kind === 'maven' || kind === 'gradle' || kind === 'jdk') {
    const r = convertJava(model, final);
    return r ? { title: title('Java', r.runtimeImage, r.jars.length === 1 ? 'only the jar' : 'only the classpath'), safe: false, edits: r.edits } : undefined;
  }
  if (kind === 'gcc' || kind === 'cbuild') {
    const r = convertC(model, final, kind === 'gcc', options);
    if (!r) return undefined;
    return { title: title('C/C++', r.runtimeImage, 'DESTDIR=/out tree copied'), safe: false, edits: r.edits, ...(r.caveat ? { unsafeReason: r.caveat } : {}) };
  }
  return undefined;
}

/**
 * The toolchain DS010 reports, if any. The full python image and Debian/Ubuntu with compilers are
 * reported only when the conversion understands the Dockerfile; otherwise DS011 (slim variant)
 * and DS014 (build dependencies shipped) speak for them, as before.
 */
export function reportedToolchain(model: Model, options: LintOptions = {}): { tc: Toolchain; fix?: Fix } | null {
  const tc = finalToolchain(model);
  if (!tc) return null;
  const final = model.stages.find((s) => s.final);
  const fix = final === tc.stage && tc.kind !== 'go' && tc.kind !== 'rust' ? stackFix(model, final, tc.kind, options) : undefined;
  if ((tc.kind === 'python' || tc.kind === 'cbuild') && !fix) return null;
  return { tc, fix };
}
