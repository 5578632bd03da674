/**
 * Settings the server reads, pulled per resource with `workspace/configuration` and cached per
 * document (cleared on didChangeConfiguration). How to add one: add it to `Settings` and
 * `defaults`, read it in `normalise`, and declare it in package.json `contributes.configuration`
 * (the registry test checks the `rules` enum against the rule list).
 */
import type { SeveritySetting } from '../kernel/types.js';

export interface Settings {
  enable: boolean;
  rules: Record<string, SeveritySetting>;
  /** Build context relative to the workspace folder ('' = the Dockerfile's folder), used to look for `.dockerignore`. */
  buildContext: string;
  /** Walk the build context for COPY/ADD sizes and DS017 (`build.contextSizes`). */
  contextSizes: boolean;
}

export const defaults: Settings = { enable: true, rules: {}, buildContext: '', contextSizes: true };

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off', 'default']);

export function normalise(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, v] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) rules[id.toUpperCase()] = v as SeveritySetting;
    }
  }
  const build = (r.build && typeof r.build === 'object' ? r.build : {}) as Record<string, unknown>;
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : defaults.enable,
    rules,
    buildContext: typeof build.context === 'string' && build.context.trim() !== '' ? build.context : defaults.buildContext,
    contextSizes: typeof build.contextSizes === 'boolean' ? build.contextSizes : defaults.contextSizes,
  };
}
