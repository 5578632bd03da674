// Pure layer-size engine (no vscode): bundled to dist/layers.js. See docs/contract.md, "Layer sizes from the last build".
export { attributeLayers, alignRows, matchScore, type LayerAttribution, type Alignment, type RowTarget } from './attribute.js';
export {
  parseHistoryOutput,
  normaliseRow,
  entriesOldestFirst,
  rowsFromConfigHistory,
  parseSize,
  MalformedHistoryError,
  type RawHistoryRow,
  type HistoryEntry,
  type ConfigHistory,
} from './history.js';
export { finalStage, type FinalStage, type StageInstruction } from './stage.js';
export { ImageArchiveReader, readImageArchive, ImageArchiveError, type SavedImage, type LayerFiles, type ImageConfig } from './image-tar.js';
export { TarStream, TarParseError, type TarHeader } from './tar-stream.js';
export { computeWaste, type LayerWaste, type WastedFile, type FileSize } from './wasted.js';
export { attributeWaste, type LineWaste } from './layer-waste.js';
export { formatBytes } from './format.js';
export { layerReport, type LayerReport, type LineSize } from './report.js';
export { measuredInstructions } from './measured.js';
