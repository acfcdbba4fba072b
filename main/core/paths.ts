import os from 'node:os'
import path from 'node:path'

export const APP_DIR_NAME = 'Scoreline'

/**
 * The platform's per-user data folder, computed the way Electron's `app.getPath('userData')`
 * does (appData + product name), so the CLI and the app share one data folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = env.HOME ?? os.homedir()
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME)
}

export interface DataPaths {
  dir: string
  appDb: string
  trackingDb: string
  featuresDb: string
  logs: string
}

export function dataPaths(dir: string): DataPaths {
  return {
    dir,
    appDb: path.join(dir, 'scoreline.sqlite'),
    trackingDb: path.join(dir, 'tracking.sqlite'),
    featuresDb: path.join(dir, 'features.sqlite'),
    logs: path.join(dir, 'logs'),
  }
}
