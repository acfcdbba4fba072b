// Electron glue only: the window, its security, IPC registration. Every service lives in
// main/core and main/services and runs the same under the CLI and the tests.
import { app, BrowserWindow, Notification } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createScoreline, type Scoreline } from '../core/scoreline'
import type { PipelineRunDto } from '../../shared/api/domains/training'
import { registerIpc } from './ipc'
import { hardenSession, hardenWindow } from './security'
import { safeStorageCipher } from './safeStorageCipher'
import { useElectronSqliteBuild } from './nativeBinding'
// electron-vite builds the training worker as its own entry and gives us its path.
import modelWorkerPath from '../services/training/modelWorker?modulePath'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererUrl =
  process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(here, '../renderer/index.html')).toString()

let mainWindow: BrowserWindow | null = null
let scoreline: Scoreline | null = null

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Scoreline',
    show: false,
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // middle-click would open links in a new window, bypassing will-navigate
      disableBlinkFeatures: 'Auxclick',
    },
  })
  hardenWindow(window, rendererUrl)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(rendererUrl)
  return window
}

app.enableSandbox()
if (!app.requestSingleInstanceLock()) app.quit()

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  }
})

void app.whenReady().then(() => {
  if (!app.isPackaged && !useElectronSqliteBuild(path.resolve(here, '..', '..'))) {
    console.warn(
      'better-sqlite3 for Electron not found: run `node scripts/electron-native.mjs` once (see README, Desktop builds).',
    )
  }
  hardenSession()
  scoreline = createScoreline({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultDataDir: app.getPath('userData'),
    secretCipher: safeStorageCipher,
    // worker_threads cannot start a script inside app.asar: electron-builder unpacks worker chunks
    trainingWorkerUrl: app.isPackaged
      ? modelWorkerPath.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
      : modelWorkerPath,
  })
  scoreline.events.subscribe((event, payload) => {
    if (event !== 'training.finished' || !Notification.isSupported()) return
    const run = payload as PipelineRunDto
    new Notification({ title: `Scoreline: training ${run.state}`, body: run.summary, silent: true }).show()
  })
  registerIpc(scoreline, () => mainWindow, rendererUrl)
  mainWindow = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', () => {
  void scoreline?.close()
})
