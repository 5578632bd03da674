// PLACEHOLDER: being implemented; replace this whole file.
import { defineRule } from './rule.js';

export default defineRule({
  id: 'DS002',
  name: 'cleanup-in-later-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: { summary: 'TODO', why: 'TODO', bad: 'TODO', good: 'TODO' },
  check() {},
});
