/** The public engine (dist/engine.js): pure functions, no LSP, no VS Code, no I/O. */
export { lint, fix, lintDetailed, lintModel, applyEdits, selectFixes, autoFixable, MAX_TEXT_LENGTH } from './lint.js';
export { buildModel } from '../kernel/model.js';
export { rules } from '../rules/index.js';
export type { Finding, DetailedFinding, Fix, Edit, LintOptions, FixOptions, FixResult, Severity, SeveritySetting, CreateFile } from '../kernel/types.js';
export type { Rule, RuleDocs } from '../kernel/rule.js';
