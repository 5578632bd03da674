// Measured savings in quick fixes: the client tells the server what the last build measured per instruction
// (MEASURED_SIZES_NOTIFICATION); findings whose fix recovers bytes that the build measured say so in the
// message and the fix title: "… (saves 21.0 MB, measured)".
import type { Connection } from 'vscode-languageserver/node';
import { finalStage, formatBytes } from '../../../common/src/image-layers/index.js';
import { MEASURED_SIZES_NOTIFICATION, type MeasuredInstruction, type MeasuredSizesParams } from '../../../common/src/protocol.js';
import type { DetailedFinding } from '../kernel/types.js';
import { rules } from '../rules/index.js';

const MAX_DOCUMENTS = 200;
const measured = new Map<string, Map<string, MeasuredInstruction>>();

/** What each rule's fix recovers, as measured in the last build (the rule's `measuredSaving`). */
const SAVING = new Map(rules.flatMap((r) => (r.measuredSaving ? [[r.id, r.measuredSaving] as const] : [])));

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function setMeasured(params: MeasuredSizesParams): boolean {
  if (typeof params?.uri !== 'string' || !Array.isArray(params.instructions)) return false;
  const byText = new Map<string, MeasuredInstruction>();
  for (const m of params.instructions) {
    if (m && typeof m.text === 'string' && [m.bytes, m.wastedBytes, m.removesBytes, m.aptListsBytes, m.archiveBytes].every(isSize)) byText.set(m.text, m);
  }
  measured.delete(params.uri);
  if (byText.size > 0) measured.set(params.uri, byText);
  if (measured.size > MAX_DOCUMENTS) measured.delete(measured.keys().next().value as string);
  return true;
}

export function forgetMeasured(uri: string): void {
  measured.delete(uri);
}

/** Registers the notification; `changed(uri)` re-lints that document so its messages follow. */
export function listenForMeasuredSizes(connection: Connection, changed: (uri: string) => void): void {
  connection.onNotification(MEASURED_SIZES_NOTIFICATION, (params: MeasuredSizesParams) => {
    if (setMeasured(params)) changed(params.uri);
  });
}

/** Findings with "(saves X, measured)" where the last build measured what their fix recovers (copies; input untouched). */
export function withMeasuredSavings(uri: string, text: string, findings: readonly DetailedFinding[]): DetailedFinding[] {
  const byText = measured.get(uri);
  if (!byText || !findings.some((f) => SAVING.has(f.rule))) return [...findings];
  const stage = finalStage(text);
  return findings.map((f) => {
    const saving = SAVING.get(f.rule);
    const ins = saving && stage.instructions.find((i) => i.line === f.instrLine + 1);
    const m = ins && byText.get(ins.text);
    const bytes = m && saving ? m[saving] : 0;
    if (bytes < 1000) return f; // nothing measured worth saying
    const note = ` (saves ${formatBytes(bytes)}, measured)`;
    return {
      ...f,
      message: f.message + note,
      ...(f.fix ? { fix: { ...f.fix, title: f.fix.title + note } } : {}),
      ...(f.fixDetail ? { fixDetail: { ...f.fixDetail, title: f.fixDetail.title + note } } : {}),
    };
  });
}
