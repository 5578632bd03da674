// PLACEHOLDER: being implemented; replace this whole file.
import { defineRule } from './rule.js';

export default defineRule({
  id: 'DS014',
  name: 'build-deps-shipped',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: { summary: 'TODO', why: 'TODO', bad: 'TODO', good: 'TODO' },
  check() {},
});
