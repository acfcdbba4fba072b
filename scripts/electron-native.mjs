#!/usr/bin/env node
// better-sqlite3 for Electron's ABI, kept apart from the Node build that `npm install` makes.
//
// The project's node_modules/better-sqlite3/build/Release/better_sqlite3.node is always the Node build:
// `npm test`, the CLI and the bench use it, and nothing here ever rebuilds it in place. The Electron build
// lives in a cache folder, one file per (better-sqlite3 version, Electron version, platform, arch):
//
//   node_modules/.cache/scoreline-native/better-sqlite3-<v>-electron-<e>-<platform>-<arch>/better_sqlite3.node
//   (SCORELINE_NATIVE_CACHE moves it)
//
// and reaches the app two ways:
//   - `npm run dist`: electron-builder.yml sets `npmRebuild: false` (so electron-builder never rebuilds
//     the project's node_modules for Electron) and `afterPack: ./scripts/electron-native.mjs`: the hook
//     below copies the Electron build over the Node one inside the packaged app
//     (resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/), for the target platform.
//   - `npm run dev`: run `node scripts/electron-native.mjs` once per Electron upgrade; it prints the
//     file's path, for better-sqlite3's `nativeBinding` option (see README, "Desktop builds").
//
// How the file is made: better-sqlite3's own recipe (`prebuild-install || node-gyp rebuild`), with
// `--runtime electron`, in a throw-away copy of the package: first the maintainers' prebuilt binary for
// that Electron ABI and platform (a GitHub download), else a compile against Electron's headers
// (electronjs.org download; host platform only; needs a C++ toolchain).
//
//   node scripts/electron-native.mjs [--platform linux|win32|darwin] [--arch x64|arm64|ia32|armv7l]
//                                    [--electron <version>] [--force]
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'package.json'))

export const BINARY = 'better_sqlite3.node'
/** Where better-sqlite3 looks for its binary first (the `bindings` package), relative to the module. */
export const BINARY_IN_MODULE = path.join('build', 'Release', BINARY)
/** electron-builder's Arch enum (builder-util), by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

function log(message) {
  console.log(`  • electron-native  ${message}`)
}

export function betterSqlite3Dir() {
  return path.dirname(require.resolve('better-sqlite3/package.json'))
}

export function installedElectronVersion() {
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
}

/** The cache file for one Electron target. */
export function electronBindingPath({ electronVersion, platform, arch }) {
  const bsVersion = JSON.parse(readFileSync(path.join(betterSqlite3Dir(), 'package.json'), 'utf8')).version
  const cache =
    process.env.SCORELINE_NATIVE_CACHE || path.join(root, 'node_modules', '.cache', 'scoreline-native')
  return path.join(
    cache,
    `better-sqlite3-${bsVersion}-electron-${electronVersion}-${platform}-${arch}`,
    BINARY,
  )
}

/** The platform a native binary was built for, from its first bytes (ELF, PE, Mach-O), or undefined. */
export function binaryPlatform(file) {
  const fd = openSync(file, 'r')
  const head = Buffer.alloc(4)
  try {
    readSync(fd, head, 0, 4, 0)
  } finally {
    closeSync(fd)
  }
  if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return 'linux'
  if (head[0] === 0x4d && head[1] === 0x5a) return 'win32'
  const magic = head.readUInt32BE(0)
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'darwin'
  return undefined
}

function run(command, args, cwd) {
  execFileSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, npm_config_build_from_source: '' },
  })
}

/**
 * Returns the path of better-sqlite3 built for Electron `electronVersion` on `platform`/`arch`, making it
 * (download, else compile) into the cache on first use. Never touches the project's node_modules copy.
 */
export function ensureElectronBinding({
  electronVersion = installedElectronVersion(),
  platform = process.platform,
  arch = process.arch,
  force = false,
} = {}) {
  if (arch === 'universal') {
    throw new Error(
      'electron-native: build x64 and arm64 separately; a universal macOS build is not supported',
    )
  }
  const target = electronBindingPath({ electronVersion, platform, arch })
  if (existsSync(target) && !force) return target

  const staging = mkdtempSync(path.join(os.tmpdir(), 'scoreline-electron-native-'))
  try {
    const pkg = path.join(staging, 'better-sqlite3')
    // A copy without build/: whatever happens here, the project's Node build stays as it is.
    cpSync(betterSqlite3Dir(), pkg, {
      recursive: true,
      filter: (src) => path.relative(betterSqlite3Dir(), src).split(path.sep)[0] !== 'build',
    })
    const built = path.join(pkg, BINARY_IN_MODULE)
    const runtime = ['--runtime', 'electron', '--target', electronVersion, '--arch', arch]
    try {
      log(`downloading better-sqlite3's prebuilt binary for Electron ${electronVersion} ${platform}-${arch}`)
      const prebuild = require.resolve('prebuild-install/bin.js', { paths: [betterSqlite3Dir()] })
      run(process.execPath, [prebuild, ...runtime, '--platform', platform, '--verbose'], pkg)
    } catch (error) {
      if (platform !== process.platform || arch !== process.arch) {
        throw new Error(
          `electron-native: no prebuilt better-sqlite3 for Electron ${electronVersion} ${platform}-${arch} ` +
            `(${error.message}); build this target on a ${platform}-${arch} machine`,
        )
      }
      log('no prebuilt binary; compiling against Electron headers (node-gyp)')
      const nodeGyp = process.env.npm_config_node_gyp || require.resolve('node-gyp/bin/node-gyp.js')
      run(
        process.execPath,
        [
          nodeGyp,
          'rebuild',
          '--release',
          `--target=${electronVersion}`,
          `--arch=${arch}`,
          '--dist-url=https://electronjs.org/headers',
          '--runtime=electron',
          `--devdir=${path.join(os.homedir(), '.electron-gyp')}`,
        ],
        pkg,
      )
    }
    if (!existsSync(built)) throw new Error(`electron-native: ${BINARY_IN_MODULE} was not produced`)
    if (binaryPlatform(built) !== platform) {
      throw new Error(
        `electron-native: the binary made for ${platform} is a ${binaryPlatform(built) ?? 'unknown'} binary`,
      )
    }
    mkdirSync(path.dirname(target), { recursive: true })
    copyFileSync(built, target)
    log(`cached ${target}`)
    return target
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** The packaged app's resources folder, for any platform. */
function resourcesDir(context) {
  if (typeof context.packager?.getResourcesDir === 'function')
    return context.packager.getResourcesDir(context.appOutDir)
  if (context.electronPlatformName === 'darwin') {
    const app = `${context.packager.appInfo.productFilename}.app`
    return path.join(context.appOutDir, app, 'Contents', 'Resources')
  }
  return path.join(context.appOutDir, 'resources')
}

/**
 * electron-builder `afterPack` hook: puts the Electron build of better-sqlite3 into the packaged app (the
 * module is asar-unpacked, see electron-builder.yml), before signing and before the installers are made.
 */
export async function afterPack(context) {
  const platform = context.electronPlatformName
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : String(context.arch)
  const electronVersion = context.packager?.config?.electronVersion || installedElectronVersion()
  const unpacked = path.join(resourcesDir(context), 'app.asar.unpacked', 'node_modules', 'better-sqlite3')
  const destination = path.join(unpacked, BINARY_IN_MODULE)
  if (!existsSync(destination)) {
    throw new Error(
      `electron-native: ${destination} is missing; electron-builder.yml must keep better-sqlite3's binary in ` +
        'files and list the module in asarUnpack',
    )
  }
  const source = ensureElectronBinding({ electronVersion, platform, arch })
  copyFileSync(source, destination)
  log(
    `better-sqlite3 for Electron ${electronVersion} ${platform}-${arch} -> ${path.relative(context.appOutDir, destination)}`,
  )
}

export default afterPack

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const option = (name) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : undefined
  }
  try {
    const file = ensureElectronBinding({
      electronVersion: option('electron') ?? installedElectronVersion(),
      platform: option('platform') ?? process.platform,
      arch: option('arch') ?? process.arch,
      force: args.includes('--force'),
    })
    console.log(file)
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
