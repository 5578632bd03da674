// @ts-check
// Steps the UI scripts share: run a palette command, read the editor's text as drawn, wait for a text, read the
// Refactor Preview's rows, and hover a squiggle until the language server's hover shows.
import { SQUIGGLE, STEP_MS } from './code-server-session.mjs';

/** Runs a command from the palette (F1), by its title. */
export async function runCommand(/** @type {any} */ page, /** @type {string} */ title) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The editor's text as drawn (view lines in order of their top offset): only the lines in view. */
export async function editorText(/** @type {any} */ editor) {
  return editor.locator('.view-lines').evaluate((/** @type {Element} */ el) =>
    Array.from(el.querySelectorAll('.view-line'))
      .map((l) => ({ top: parseFloat(/** @type {HTMLElement} */ (l).style.top) || 0, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text)
      .join('\n'),
  );
}

/**
 * Puts the focus in the editor with a click on its first line. Not `locator.click()` on `.view-lines`: that element
 * is as wide and tall as the text, and playwright scrolls its middle into view first, which scrolls the editor
 * itself (seen: only line 5 of 5 in view after an undo, so the drawn text looked empty).
 */
export async function focusEditor(/** @type {any} */ page, /** @type {any} */ editor) {
  const box = await editor.boundingBox();
  if (!box) throw new Error('the editor is not on screen');
  await page.mouse.click(box.x + Math.min(300, box.width / 2), box.y + 8);
}

/**
 * Waits until the drawn text satisfies `ok`. Between reads it scrolls the editor to its top with the mouse wheel
 * (no click, no key: the cursor and focus stay), in case an edit left the first lines out of view.
 */
export async function waitEditorText(
  /** @type {any} */ page,
  /** @type {any} */ editor,
  /** @type {(t: string) => boolean} */ ok,
  /** @type {string} */ what,
  ms = STEP_MS,
) {
  const end = Date.now() + ms;
  let t = '';
  while (Date.now() < end) {
    t = await editorText(editor);
    if (ok(t)) return t;
    const box = await editor.boundingBox();
    if (box) {
      await page.mouse.move(box.x + Math.min(300, box.width / 2), box.y + 20);
      await page.mouse.wheel(-2000, -5000);
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}; editor shows:\n${t}`);
}

/**
 * Runs an Optimize command from the palette, with the focus in `editor`, and waits for the Refactor Preview.
 * @returns {Promise<{ pane: any, rows: any, rowInfo: () => Promise<Array<{ level: number, text: string, checked: boolean | null }>>,
 *   apply: () => Promise<void> }>} the preview, its rows, their state, and its Apply button
 */
export async function openRefactorPreview(/** @type {any} */ page, /** @type {any} */ editor, /** @type {string} */ command) {
  await focusEditor(page, editor);
  await runCommand(page, command);
  const pane = page.locator('.bulk-edit-panel, [id="refactorPreview"]').first();
  await pane.waitFor();
  const rows = pane.locator('.monaco-list-row');
  await rows.first().waitFor();
  const apply = () =>
    pane
      .locator('.monaco-button', { hasText: /^Apply$/ })
      .first()
      .click();
  return { pane, rows, rowInfo: () => previewRows(rows), apply };
}

/** The Refactor Preview's rows: tree level, text and tick (null: no box). */
async function previewRows(/** @type {any} */ rows) {
  return rows.evaluateAll((/** @type {Element[]} */ els) =>
    els.map((e) => ({
      level: Number(e.getAttribute('aria-level') ?? 0),
      text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
      checked: /** @type {HTMLInputElement | null} */ (e.querySelector('input[type=checkbox]'))?.checked ?? null,
    })),
  );
}

/**
 * Hovers the squiggles in turn until a hover with `text` and a link `link` shows. The squiggles of the first lint
 * come from the extension itself, before the language server answers: a hover then has the problem line only, so
 * the mouse moves away and back until the server's part (the rule, the fix, the link) is there.
 * @returns {Promise<any>} the hover widget
 */
export async function hoverSquiggle(/** @type {any} */ page, /** @type {string} */ text, /** @type {string} */ link, ms = STEP_MS) {
  const widget = page.locator('.monaco-hover:not(.hidden)', { hasText: text }).filter({ has: page.locator('a', { hasText: link }) });
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const boxes = await page.locator(SQUIGGLE).evaluateAll((/** @type {Element[]} */ els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    for (const b of boxes) {
      await page.mouse.move(5, 5);
      await page.waitForTimeout(100);
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      const shown = await widget
        .first()
        .waitFor({ timeout: 3000 })
        .then(
          () => true,
          () => false,
        );
      if (shown) return widget.first();
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no hover with "${text}" and a "${link}" link on any squiggle in ${ms} ms`);
}
