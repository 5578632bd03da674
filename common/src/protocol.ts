// Custom LSP messages between the client and the language server (one place for the method names and shapes).

/** Client → server notification: what the last build measured for a Dockerfile, per final-stage instruction. */
export const MEASURED_SIZES_NOTIFICATION = 'dockerfileSlim/measuredSizes';

export interface MeasuredInstruction {
  /** The instruction's text, whitespace collapsed (finalStage().instructions[].text): survives lines moving. */
  text: string;
  /** Bytes of its layer(s). */
  bytes: number;
  /** Bytes this layer ships that a later layer removes or replaces. */
  wastedBytes: number;
  /** Bytes of earlier layers that this instruction removes or replaces (they still ship). */
  removesBytes: number;
  /** Bytes under /var/lib/apt/lists in its layer. */
  aptListsBytes: number;
  /** Bytes of archives (.tar.gz, .zip, …) in its layer. */
  archiveBytes: number;
}

export interface MeasuredSizesParams {
  /** The document URI (as the language client sends it). */
  uri: string;
  imageId: string;
  /** Empty: nothing measured (forget earlier figures). */
  instructions: MeasuredInstruction[];
}
