/**
 * From installed sizes to a layer's size. What apt writes beyond the packages' files, measured
 * on the debootstrap bookworm base with the official image's apt settings (README "Package
 * knowledge"): Python packages byte-compile their modules in postinst (py3compile writes
 * __pycache__, about as big as the .py files), dpkg keeps a file list and md5sums per package,
 * and every install rewrites dpkg's status file, the debconf cache and ld.so.cache.
 */

/** dpkg's per-package bookkeeping (/var/lib/dpkg/info/<pkg>.list, .md5sums, scripts). */
export const PER_PACKAGE_BYTES = 30_000;
/** Written once per install: /var/lib/dpkg/status and status-old (120 kB each with 130 packages), dpkg and apt logs,
 * ld.so.cache, extended_states; the rest of the 600 kB was calibrated on the small jq layer of the accuracy builds. */
export const PER_INSTALL_BYTES = 600_000;

/** Extra bytes a package's install scripts generate (compiled Python bytecode), as a share of its installed size. */
export function generatedShare(name: string): number {
  if (/^libpython3(\.\d+)?-(minimal|stdlib)$/.test(name)) return 0.8;
  if (/^python3-/.test(name) && !/-(dev|dbg|doc)$/.test(name)) return 0.5;
  return 0;
}

/** A package's estimated share of the layer. */
export function packageLayerBytes(name: string, installedBytes: number): number {
  return Math.round(installedBytes * (1 + generatedShare(name))) + PER_PACKAGE_BYTES;
}

/** The estimated layer bytes of one install that adds `added`. */
export function installLayerBytes(added: ReadonlyArray<{ name: string; bytes: number }>): number {
  if (added.length === 0) return 0;
  return added.reduce((s, p) => s + packageLayerBytes(p.name, p.bytes), PER_INSTALL_BYTES);
}
