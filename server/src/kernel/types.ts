/** Public and internal types of the pure engine. Nothing here knows about LSP or VS Code. */
import type { PackageLookup } from '../../../common/src/package-index/types.js';
import type { ContextFacts } from '../../../common/src/build-context/types.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off' | 'default';

/** A text replacement in the original document, by UTF-16 offsets (end exclusive). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A file the fix creates next to the Dockerfile (never overwrites an existing one). */
export interface CreateFile {
  /** Path relative to the build context directory, e.g. ".dockerignore". */
  path: string;
  content: string;
  /** Add `content` at the end of the file, creating it when it does not exist (DS017 adding to a `.dockerignore`). */
  append?: true;
}

export interface Fix {
  title: string;
  /** Safe fixes keep behaviour; unsafe ones (base image swap, multi-stage) are offered, never applied by fix-all. */
  safe: boolean;
  edits: Edit[];
  createFile?: CreateFile;
  /** Builds only with BuildKit (`RUN --mount`, `COPY --chmod`): the editor tags it and hides it under the legacy builder. */
  buildkitOnly?: true;
  /**
   * Why the fix is unsafe, or what to check before applying it ("go runs again at line 9"). The full title
   * (`fixTitle`: CLI, SARIF, goldens) shows it in parentheses; the editor's menu says only "(unsafe)".
   */
  unsafeReason?: string;
}

/** Which bytes of an instruction, as the last build measured them, a rule's fix recovers (see `Rule.measuredSaving`). */
export type MeasuredSaving = 'removesBytes' | 'aptListsBytes' | 'archiveBytes';

/** What the contract in docs/contract.md promises: 1-based lines and columns, end exclusive. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix?: { title: string; safe: boolean };
}

/** A finding with everything adapters need (offsets and the edits of its fix). */
export interface DetailedFinding extends Finding {
  name: string;
  start: number;
  end: number;
  /** 0-based line where the flagged instruction starts (for suppression comments). */
  instrLine: number;
  fixDetail?: Fix;
  /** Set when the finding reports a rule that threw (an internal error), not a problem in the Dockerfile. */
  ruleCrashed?: true;
  /** The finding is in a stage whose files do not ship: fix-all, Optimize and `fix` leave it alone. */
  unshipped?: true;
  /** Alternative fixes: quick fixes only, never applied by fix-all, Optimize or `fix`. */
  alternatives?: Fix[];
  /** The rule's `focus`: where the editor's squiggle goes in a long finding. */
  focus?: RegExp;
}

export interface LintOptions {
  /** Per-rule severity overrides: "off" disables a rule, "default" keeps its own. */
  rules?: Record<string, SeveritySetting | undefined>;
  /**
   * Whether a `.dockerignore` exists in the build context. `undefined` means unknown
   * (the engine was given only text), and then DS012 stays quiet rather than guess.
   */
  dockerignoreExists?: boolean;
  /** Package indexes already loaded (sizes in DS004/DS014 messages). Absent: no sizes, never a fetch. */
  packages?: PackageLookup;
  /** What the build context ships (DS012 sizes, DS017), measured by the caller; absent: those rules see only text. */
  context?: ContextFacts;
}

export interface FixOptions extends LintOptions {
  /** Also apply unsafe fixes (base image swaps, multi-stage conversion). */
  unsafe?: boolean;
  /** Only apply fixes of these rules. */
  only?: string[];
}

export interface FixResult {
  text: string;
  /** Rule ids whose fixes were applied, in order of application (one entry per applied fix). */
  applied: string[];
  /** Files to create (e.g. `.dockerignore`); the caller decides whether and where to write. */
  createFiles: CreateFile[];
}
