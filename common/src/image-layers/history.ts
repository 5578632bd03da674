// Parse and normalise image history rows from `docker history --format '{{json .}}'` (BuildKit and legacy
// builder), podman/buildah, or the image config's `history` array. Pure: no I/O, no vscode.

/** One row as printed by docker/podman, before normalisation (field names differ between tools). */
export type RawHistoryRow = Record<string, unknown>;

export type HistoryKind = 'buildkit' | 'legacy' | 'base';

/** A normalised history row: what made it, and its size in bytes. */
export interface HistoryEntry {
  createdBy: string;
  bytes: number;
  id?: string | undefined;
  kind: HistoryKind;
  /** Dockerfile keyword that made the row (RUN, COPY, ENV, …); '' when unknown (e.g. `docker import`). */
  keyword: string;
  /** The instruction body without keyword, `# buildkit` suffix or legacy `/bin/sh -c #(nop)` prefix. */
  body: string;
  /** COPY/ADD destination as recorded. */
  dest?: string | undefined;
  /** COPY/ADD sources when the builder kept them (BuildKit does, the legacy builder records `file:<sha>`). */
  sources?: string[] | undefined;
}

export class MalformedHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedHistoryError';
  }
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

const SI: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Sizes come as "20971520" (--human=false), as numbers (podman JSON) or, if a user forgot the flag, "20.9MB". */
export function parseSize(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') throw new MalformedHistoryError(`size is not a number: ${JSON.stringify(value)}`);
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = SI[(m?.[2] ?? '').toLowerCase() || 'b'];
  if (!m || unit === undefined) throw new MalformedHistoryError(`unreadable size ${JSON.stringify(value)}`);
  return Math.round(Number(m[1]) * unit);
}

function pick(row: RawHistoryRow, ...keys: string[]): unknown {
  for (const k of keys) if (row[k] !== undefined && row[k] !== null) return row[k];
  return undefined;
}

/** Output of `docker history --format '{{json .}}'` (one object per line) or podman's `--format json` (an array). */
export function parseHistoryOutput(stdout: string): RawHistoryRow[] {
  const text = stdout.trim();
  if (text === '') return [];
  const asObjects = (v: unknown, where: string): RawHistoryRow => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MalformedHistoryError(`${where}: not an object`);
    return v as RawHistoryRow;
  };
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new MalformedHistoryError(`history is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new MalformedHistoryError('history JSON is not an array');
    return parsed.map((v, i) => asObjects(v, `row ${i + 1}`));
  }
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      try {
        return asObjects(JSON.parse(line), `line ${i + 1}`);
      } catch (e) {
        if (e instanceof MalformedHistoryError) throw e;
        throw new MalformedHistoryError(`history line ${i + 1} is not JSON: ${line.slice(0, 80)}`);
      }
    });
}

export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Split the body of a COPY/ADD row into sources and destination. */
function copyParts(body: string, kind: HistoryKind): { dest: string; sources?: string[] } {
  if (kind === 'legacy') {
    // `--chown=1:1dir:<sha> in ./d ` or `file:<sha> in /app/data.txt ` or `multi:<sha> in ./sub/ `
    const m = /(?:file|dir|multi):[0-9a-f]+ in (.*)$/s.exec(body) ?? /^.*? in (.*)$/s.exec(body);
    return { dest: (m?.[1] ?? body).trim() };
  }
  const words = collapse(body)
    .split(' ')
    .filter((w) => !w.startsWith('--'));
  const dest = words.pop() ?? '';
  return { dest, sources: words };
}

export function normaliseRow(row: RawHistoryRow): HistoryEntry {
  const createdByRaw = pick(row, 'CreatedBy', 'createdBy', 'created_by') ?? '';
  if (typeof createdByRaw !== 'string') throw new MalformedHistoryError('CreatedBy is not a string');
  const bytes = parseSize(pick(row, 'Size', 'size') ?? 0);
  const idRaw = pick(row, 'ID', 'Id', 'id');
  const id = typeof idRaw === 'string' && idRaw !== '<missing>' ? idRaw : undefined;
  const base = { createdBy: createdByRaw, bytes, id };
  let s = createdByRaw.trim();
  if (s === '') return { ...base, kind: 'base', keyword: '', body: '' };
  if (/\s#\s?buildkit$/.test(s)) s = s.replace(/\s#\s?buildkit$/, '');
  const nop = /#\(nop\)\s+([A-Z]+)(?:\s(.*))?$/s.exec(s);
  let kind: HistoryKind;
  let keyword: string;
  let body: string;
  if (nop?.[1] && KEYWORDS.has(nop[1])) {
    // Legacy builder and buildah: `/bin/sh -c #(nop)  ENV A=1`, `/bin/sh -c #(nop) COPY file:<sha> in /x `
    kind = 'legacy';
    keyword = nop[1];
    body = nop[2] ?? '';
  } else {
    const kw = /^([A-Z]+)(?:\s+(.*))?$/s.exec(s);
    if (kw?.[1] && KEYWORDS.has(kw[1])) {
      kind = 'buildkit';
      keyword = kw[1];
      body = kw[2] ?? '';
    } else {
      // Legacy/podman RUN: `/bin/sh -c cmd`, `|1 VERSION=1.2 /bin/sh -c cmd`, exec form `sh -c cmd`.
      kind = 'legacy';
      keyword = 'RUN';
      body = s;
    }
  }
  const entry: HistoryEntry = { ...base, kind, keyword, body: body.trim() };
  if (keyword === 'COPY' || keyword === 'ADD') Object.assign(entry, copyParts(body, kind));
  return entry;
}

/** A row only counted, not matched (older than what attribution aligns): its text and size, as a base row. */
export function baseEntry(row: RawHistoryRow): HistoryEntry {
  const createdBy = pick(row, 'CreatedBy', 'createdBy', 'created_by');
  return { createdBy: typeof createdBy === 'string' ? createdBy : '', bytes: parseSize(pick(row, 'Size', 'size') ?? 0), kind: 'base', keyword: '', body: '' };
}

/** Rows from `docker history` are newest first; attribution works oldest first. */
export function entriesOldestFirst(rows: readonly RawHistoryRow[]): HistoryEntry[] {
  return rows.map(normaliseRow).reverse();
}

/** One element of the image config's `history` array (OCI/Docker image spec). */
export interface ConfigHistory {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/**
 * Turns the image config's `history` (oldest first) into rows in `docker history` order (newest first).
 * `layerBytes[k]` is the size of the k-th layer; entries with `empty_layer` get 0 bytes. Also returns, for each
 * layer index, the index of its row in the oldest-first order: this is what maps a layer tar back to a line.
 */
export function rowsFromConfigHistory(history: readonly ConfigHistory[], layerBytes: readonly number[]): { rows: RawHistoryRow[]; layerToEntry: number[] } {
  const oldestFirst: RawHistoryRow[] = [];
  const layerToEntry: number[] = [];
  history.forEach((h, i) => {
    let size = 0;
    if (!h.empty_layer) {
      size = layerBytes[layerToEntry.length] ?? 0;
      layerToEntry.push(i);
    }
    oldestFirst.push({ CreatedBy: h.created_by ?? '', Size: size, Comment: h.comment ?? '' });
  });
  return { rows: oldestFirst.reverse(), layerToEntry };
}
