/**
 * What a rule is: one self-describing object (id, name, severity, docs, check and fix together)
 * registered in `rules/index.ts`. Rules only read the model and call `ctx.report`.
 */
import type { Instr, Model } from './model.js';
import type { DetailedFinding, Fix, LintOptions, MeasuredSaving, Severity } from './types.js';

export interface RuleDocs {
  /** One line: what is wrong. */
  summary: string;
  /** Why it costs bytes. */
  why: string;
  bad: string;
  good: string;
  /** Exemptions, edge cases, and where we differ from hadolint on purpose. */
  notes?: string;
  /**
   * The BuildKit cache mount offered as an alternative quick fix: `mount` says what is mounted, `details`
   * when and how it is offered. The doc generator wraps them in the paragraph every such rule shares.
   */
  cacheMount?: { mount: string; details?: string };
  /** Related rules of other tools, e.g. "hadolint DL3009". */
  seeAlso?: string[];
}

export interface Report {
  instr: Instr;
  /** Document offsets of the flagged text. */
  start: number;
  end: number;
  message: string;
  fix?: Fix;
  /** Other ways to fix it, offered as extra quick fixes and never applied by fix-all (e.g. a BuildKit cache mount). */
  alternatives?: Fix[];
  /**
   * Quiet by default (docs/quiet-policy.md): the finding's saving is zero, or unknown and small, so it
   * is reported as a hint (no squiggle) unless the user set the rule's severity explicitly.
   */
  quiet?: true;
}

export interface RuleContext {
  readonly model: Model;
  /** What the caller knows beyond the text (e.g. whether a `.dockerignore` exists). */
  readonly options: LintOptions;
  report(r: Report): void;
}

export interface Rule {
  id: string;
  /** Kebab-case name of the anti-pattern (not of the fix). */
  name: string;
  severity: Severity;
  /** When true, findings in stages that do not ship are reported as hints. */
  stageAware: boolean;
  fixable: 'always' | 'sometimes' | 'none';
  /**
   * What a finding can depend on. `stage` (the default): the instruction's own stage group (stages
   * linked by FROM or `--from`, the preamble and every FROM line), so the editor can re-lint just
   * the group an edit touched. `file`: anything in the file; while such a rule is active (see
   * `activeWhen`) every edit re-lints the whole file.
   */
  scope?: 'stage' | 'file';
  /** For `file` rules: whether the rule can report at all under these options (default: unless turned off). */
  activeWhen?: (options: LintOptions) => boolean;
  /**
   * For a `stage` rule whose findings share one file-wide decision (DS012: one .dockerignore for the
   * whole file): `check` reports each finding from its own stage's view, and this reconciles all of the
   * file's findings of the rule (pure: changed findings are new objects). The editor lints stage groups
   * separately and combines them, so such a rule does not force whole-file lints.
   */
  combine?: (findings: readonly DetailedFinding[]) => DetailedFinding[];
  /**
   * Where the editor's squiggle goes when the finding spans several lines or a long line: the first match
   * of this in the flagged text (`install`, not a 17-line package list). Without it: the first line.
   */
  focus?: RegExp;
  /** What the fix recovers, as the last build measured it; the editor then says "(saves 21.0 MB, measured)". */
  measuredSaving?: MeasuredSaving;
  /** hadolint rule ids whose `# hadolint ignore=` pragma also silences this rule. */
  hadolint?: string[];
  docs: RuleDocs;
  check(ctx: RuleContext): void;
}

/** A fix's full title: its own title, then why it is unsafe and whether it needs BuildKit, in parentheses. */
export function fixTitle(fix: Pick<Fix, 'title' | 'buildkitOnly' | 'unsafeReason'>): string {
  return fix.title + (fix.unsafeReason ? ` (${fix.unsafeReason})` : '') + (fix.buildkitOnly ? ' (BuildKit only)' : '');
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Is a whole-file rule active under these options (so an edit anywhere can change its findings)? */
export function fileScopeActive(rule: Rule, options: LintOptions): boolean {
  if (rule.scope !== 'file' || options.rules?.[rule.id] === 'off') return false;
  return rule.activeWhen ? rule.activeWhen(options) : true;
}
