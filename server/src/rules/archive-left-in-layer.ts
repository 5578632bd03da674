// PLACEHOLDER: being implemented; replace this whole file.
import { defineRule } from './rule.js';

export default defineRule({
  id: 'DS013',
  name: 'archive-left-in-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: { summary: 'TODO', why: 'TODO', bad: 'TODO', good: 'TODO' },
  check() {},
});
