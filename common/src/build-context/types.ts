/** What the build context holds, as plain data (it crosses worker and process boundaries). */
import type { NodeProject } from './node-projects.js';

/** Kinds of content a build context ships that an image almost never needs. */
export type LeakKind = 'git' | 'node_modules' | 'target' | 'dist' | 'worktree' | 'env' | 'private-key';

export interface Leak {
  kind: LeakKind;
  /** Context-relative path of the biggest instance ('.git', 'web/node_modules', 'config/.env'). */
  path: string;
  /** The `.dockerignore` pattern that excludes every instance. */
  pattern: string;
  /** Bytes and files the context sends of it (after `.dockerignore`), all instances together. */
  bytes: number;
  files: number;
  /** Context-relative paths of the instances (at most 20). */
  paths: string[];
}

/** What the lint options carry about the build context (`LintOptions.context`). */
export interface ContextFacts {
  /** The ignore file in force, relative to the context ('.dockerignore', 'app.Dockerfile.dockerignore'); '' when none. */
  ignoreFile: string;
  /** Shipped leaks (what `.dockerignore` does not exclude). */
  leaks: Leak[];
  /** False when the walk stopped at its budget (sizes are then lower bounds). */
  complete: boolean;
  /** Node projects (package.json, lockfile) the COPY lines bring in (DS019, npm estimates). */
  node?: NodeProject[];
}

/** What one COPY/ADD sends from the context. */
export interface CopySize {
  /** 1-based line of the instruction. */
  line: number;
  bytes: number;
  files: number;
  /** Biggest paths it sends (context-relative), biggest first. */
  top: Array<{ path: string; bytes: number }>;
  /** Leaks among what it sends. */
  leaks: Array<{ kind: LeakKind; path: string; bytes: number }>;
  /** Sources whose size cannot be told (a `$VAR`). */
  unknown: string[];
}

export interface ContextSummary {
  root: string;
  ignoreFile: string;
  /** Everything the context sends (what `COPY . .` copies). */
  bytes: number;
  files: number;
  complete: boolean;
  reason?: string;
  ms: number;
  copies: CopySize[];
  leaks: Leak[];
  /** Node projects the COPY lines bring in (read beside the walk, bounded). */
  node?: NodeProject[];
}
