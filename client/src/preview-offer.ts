// When Optimize asks "Apply safe fixes without the preview next time?", pure (no VS Code at run time): not after the
// first use, when the user has not yet seen what the preview is for, but at the third Optimize applied through the
// preview; then, while unanswered (the notification closed), every tenth. Counted in globalState, so across windows.
import type { Memento } from 'vscode';

export const CHOICE_KEY = 'dockerfileSlim.optimize.previewChoiceMade';
export const USES_KEY = 'dockerfileSlim.optimize.previewUses';
/** The use of the preview at which the question is first asked. */
export const ASK_AT_USE = 3;
const ASK_AGAIN_EVERY = 10;

/** Counts one Optimize applied through the preview; true when this one should ask about skipping the preview. */
export async function countPreviewUse(memento: Pick<Memento, 'get' | 'update'>): Promise<boolean> {
  if (memento.get<boolean>(CHOICE_KEY)) return false;
  const uses = (memento.get<number>(USES_KEY) ?? 0) + 1;
  await memento.update(USES_KEY, uses);
  return uses === ASK_AT_USE || (uses > ASK_AT_USE && (uses - ASK_AT_USE) % ASK_AGAIN_EVERY === 0);
}

/** The user answered (either way): never ask again. */
export async function recordPreviewChoice(memento: Pick<Memento, 'update'>): Promise<void> {
  await memento.update(CHOICE_KEY, true);
}
