import * as os from 'node:os';
import * as path from 'node:path';

/** The user's cache folder for Dockerfile Slim (per platform convention); nothing in it is needed, all of it can be rebuilt. */
export function userCacheDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'dockerfile-slim', 'Cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'dockerfile-slim');
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'dockerfile-slim');
}
