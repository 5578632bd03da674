// PLACEHOLDER: being implemented; replace this whole file.
import { defineRule } from './rule.js';

export default defineRule({
  id: 'DS008',
  name: 'node-package-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: { summary: 'TODO', why: 'TODO', bad: 'TODO', good: 'TODO' },
  check() {},
});
