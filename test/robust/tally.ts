/** Counts every input the robustness run tries, for the summary line printed at the end. */
import { checkText, type CheckOptions } from '../helpers/engine-props.js';

export const tally = { tried: 0, failed: 0 };

/** Records one input as tried (and failed, when `problems` is non-empty); returns the problems. */
export function record(problems: string[]): string[] {
  tally.tried++;
  if (problems.length > 0) tally.failed++;
  return problems;
}

/** checkText with counting; the returned strings carry a short excerpt of the input. */
export function tryText(text: string, opts: CheckOptions = {}): string[] {
  return record(checkText(text, opts)).map(
    (p) => `${p.slice(0, 300)} — input ${JSON.stringify(text.slice(0, 200))}${text.length > 200 ? `… (${text.length} chars)` : ''}`,
  );
}

export function summary(): string {
  return `robustness: ${tally.tried} inputs tried, ${tally.failed} failed`;
}
