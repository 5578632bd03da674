// PLACEHOLDER: being implemented; replace this whole file.
import { defineRule } from './rule.js';

export default defineRule({
  id: 'DS009',
  name: 'go-binary-unstripped',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: { summary: 'TODO', why: 'TODO', bad: 'TODO', good: 'TODO' },
  check() {},
});
