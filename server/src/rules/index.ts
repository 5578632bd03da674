/** The single registry of rules, in id order. Adding a rule: one file here, one fixture in test/fixtures/rules/. */
import type { Rule } from '../kernel/rule.js';
import consecutiveRuns from './consecutive-runs.js';
import cleanupInLaterLayer from './cleanup-in-later-layer.js';
import aptListsKept from './apt-lists-kept.js';
import aptRecommendsInstalled from './apt-recommends-installed.js';
import apkCacheKept from './apk-cache-kept.js';
import pipCacheKept from './pip-cache-kept.js';
import rpmCacheKept from './rpm-cache-kept.js';
import nodePackageCacheKept from './node-package-cache-kept.js';
import goBinaryUnstripped from './go-binary-unstripped.js';
import toolchainInFinalImage from './toolchain-in-final-image.js';
import fullBaseImage from './full-base-image.js';
import dockerignoreMissing from './dockerignore-missing.js';
import archiveLeftInLayer from './archive-left-in-layer.js';
import buildDepsShipped from './build-deps-shipped.js';
import chownCopiesLayer from './chown-copies-layer.js';
import buildCacheShipped from './build-cache-shipped.js';
import contextLeak from './context-leak.js';
import swallowedInstallError from './swallowed-install-error.js';
import devDependenciesShipped from './dev-dependencies-shipped.js';
import fullJavaRuntime from './full-java-runtime.js';

export const rules: readonly Rule[] = [
  consecutiveRuns,
  cleanupInLaterLayer,
  aptListsKept,
  aptRecommendsInstalled,
  apkCacheKept,
  pipCacheKept,
  rpmCacheKept,
  nodePackageCacheKept,
  goBinaryUnstripped,
  toolchainInFinalImage,
  fullBaseImage,
  dockerignoreMissing,
  archiveLeftInLayer,
  buildDepsShipped,
  chownCopiesLayer,
  buildCacheShipped,
  contextLeak,
  swallowedInstallError,
  devDependenciesShipped,
  fullJavaRuntime,
];
