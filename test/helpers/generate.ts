/** Renders the rule docs and the settings schema from rule metadata (checked by registry.test). */
import type { Rule, RuleDocs } from '../../server/src/kernel/rule.js';

/** The paragraph every rule with a BuildKit cache-mount alternative shares (written once here). */
export function cacheMountSection(m: NonNullable<RuleDocs['cacheMount']>): string[] {
  return [
    '## Cache mount (alternative quick fix)',
    '',
    `Offered beside the cleanup, unsafe and BuildKit only, so never applied by fix-all, Optimize or \`fix\`: ${m.mount}.${m.details ? ` ${m.details}` : ''}` +
      " The mount keeps the cache out of the layer and reuses it in the next build. Docker 20.10's built-in Dockerfile frontend accepts it with `DOCKER_BUILDKIT=1` and no `# syntax=` line; the legacy builder rejects `--mount`.",
    '',
  ];
}

export function ruleDoc(r: Rule): string {
  const fix = {
    always: 'Always: a quick fix is offered for every finding.',
    sometimes: 'Sometimes: a quick fix is offered when it can be made safely.',
    none: 'No automatic fix.',
  }[r.fixable];
  return [
    `# ${r.id} ${r.name}`,
    '',
    `**${r.docs.summary}**`,
    '',
    `Default severity: ${r.severity}${r.stageAware ? ' (a hint in build stages whose files do not ship in the final image)' : ''}. Fix: ${fix}`,
    '',
    '## Why it costs bytes',
    '',
    r.docs.why,
    '',
    '## Example',
    '',
    '```dockerfile',
    r.docs.bad,
    '```',
    '',
    'Use instead:',
    '',
    '```dockerfile',
    r.docs.good,
    '```',
    '',
    ...(r.docs.notes ? ['## Notes', '', r.docs.notes, ''] : []),
    ...(r.docs.cacheMount ? cacheMountSection(r.docs.cacheMount) : []),
    ...(r.docs.seeAlso?.length ? ['## See also', '', ...r.docs.seeAlso.map((s) => `- ${s}`), ''] : []),
    `Silence it on one instruction with \`# dockerfile-slim ignore=${r.id}\` on the line above${r.hadolint?.length ? ` (hadolint's \`# hadolint ignore=${r.hadolint.join(',')}\` works too)` : ''}, or set \`"dockerfileSlim.rules": { "${r.id}": "off" }\`.`,
    '',
  ].join('\n');
}

export function rulesIndex(rules: readonly Rule[]): string {
  return [
    '# Dockerfile Slim rules',
    '',
    '| id | name | severity | fix | what |',
    '|---|---|---|---|---|',
    ...rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.name} | ${r.severity} | ${r.fixable} | ${r.docs.summary.replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
}

export function rulesSchema(rules: readonly Rule[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const r of rules) {
    props[r.id] = {
      type: 'string',
      enum: ['default', 'error', 'warning', 'info', 'hint', 'off'],
      default: 'default',
      enumDescriptions: [`The rule's own severity (${r.severity})`, 'Error', 'Warning', 'Information', 'Hint', 'Turned off'],
      markdownDescription: `${r.name}: ${r.docs.summary} (default: ${r.severity})`,
    };
  }
  return props;
}

/**
 * The rest of the `dockerfileSlim.rules` setting: a default naming every rule (so the Settings UI
 * table lists DS001… instead of starting empty) and a description listing each rule.
 */
export function rulesSetting(rules: readonly Rule[]): { default: Record<string, string>; markdownDescription: string } {
  return {
    default: Object.fromEntries(rules.map((r) => [r.id, 'default'])),
    markdownDescription: [
      "Severity per rule: `default` (the rule's own), `error`, `warning`, `info`, `hint` or `off`. Rules:",
      '',
      ...rules.map(
        (r) => `- [${r.id}](https://github.com/dockerfile-slim/dockerfile-slim/blob/main/docs/rules/${r.id}.md) ${r.name} (${r.severity}): ${r.docs.summary}`,
      ),
    ].join('\n'),
  };
}
