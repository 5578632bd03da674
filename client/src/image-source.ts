// Which Dockerfile an image was built from (no vscode import: unit-tested). Build and Measure labels every image
// it builds with a hash of the Dockerfile's path; before it moves a tag, the image that holds the tag now is
// checked: a tag that names someone else's image (`python:3.12-slim`, planted by a repository's settings) is
// only moved after the user says so.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';

export const SOURCE_LABEL = 'dockerfile-slim.source';

/** A stable, non-revealing id of a Dockerfile: sha256 of its real path, shortened. */
export function sourceHash(dockerfilePath: string): string {
  let p = dockerfilePath;
  try {
    p = realpathSync(dockerfilePath);
  } catch {
    /* not on disk: hash the path as given */
  }
  return createHash('sha256').update(p).digest('hex').slice(0, 32);
}

/** `new`: no image has the tag; `ours`: it was built from this Dockerfile; `foreign`: anything else. */
export type RetagVerdict = 'new' | 'ours' | 'foreign';

export function retagVerdict(labels: Record<string, string> | undefined, hash: string): RetagVerdict {
  if (labels === undefined) return 'new';
  return labels[SOURCE_LABEL] === hash ? 'ours' : 'foreign';
}

/** A tag docker accepts as `-t` (and nothing it could read as an option, a second argument or a control sequence). */
export function isValidTag(tag: string): boolean {
  return tag.length <= 255 && /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(tag);
}
