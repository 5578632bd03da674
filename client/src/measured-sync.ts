// Tells the language server what the last build measured per instruction (once per document and image), so
// quick fixes can say "(saves 21.0 MB, measured)". Protocol: common/src/protocol.ts.
import type * as vscode from 'vscode';
import type { MeasuredInstruction } from '../../common/src/image-layers/measured.js';
import { MEASURED_SIZES_NOTIFICATION, type MeasuredSizesParams } from '../../common/src/protocol.js';

export type SendNotification = (method: string, params: MeasuredSizesParams) => Promise<void> | void;

export class MeasuredSync {
  private readonly sent = new Map<string, string>();

  constructor(private readonly send: SendNotification) {}

  /** `instructions`: computed once per image and document in the layer worker (see WasteCache). */
  update(uri: vscode.Uri, imageId: string, instructions: MeasuredInstruction[]): void {
    const key = uri.toString();
    if (this.sent.get(key) === imageId) return;
    this.sent.set(key, imageId);
    const params: MeasuredSizesParams = { uri: key, imageId, instructions };
    try {
      void Promise.resolve(this.send(MEASURED_SIZES_NOTIFICATION, params)).catch(() => this.sent.delete(key));
    } catch {
      this.sent.delete(key); // the server is not running: try again on the next lens refresh
    }
  }
}
