/**
 * electron-builder.yml against what the app needs. Electron itself cannot be downloaded here, so the test
 * packs the built app for real with electron-builder's own code (linux `dir` target) around a stand-in
 * Electron distribution, then reads the result: the entry points `npm run build` produced are in the
 * asar, every package the main bundle imports is packaged, better-sqlite3 is unpacked, and the afterPack
 * hook (scripts/electron-native.mjs) put the Electron-ABI binary there without touching the project's
 * Node build. Installers (AppImage, deb, NSIS, dmg) are built on users' and release machines.
 */
import { createHash } from 'node:crypto'
import { builtinModules } from 'node:module'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { servicesRequired } from '../support/services'
import { root, tempDir } from './support'

const entryPoints = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']
const built = entryPoints.every((f) => existsSync(path.join(root, f)))
const notBuilt = built
  ? undefined
  : 'the app is not built: run `npm run build` first (CI builds before testing)'
if (notBuilt) {
  if (servicesRequired()) throw new Error(notBuilt)
  console.warn(`[skipped] ${notBuilt}`)
}

interface NativeModule {
  afterPack: (context: unknown) => Promise<void>
  electronBindingPath: (t: { electronVersion: string; platform: string; arch: string }) => string
  binaryPlatform: (file: string) => string | undefined
  installedElectronVersion: () => string
}

/** The files in an asar archive (header: pickled sizes, then a JSON tree). */
function asarFiles(file: string): Map<string, { unpacked: boolean; size: number }> {
  const buf = readFileSync(file)
  const jsonSize = buf.readUInt32LE(12)
  const header = JSON.parse(buf.subarray(16, 16 + jsonSize).toString('utf8')) as AsarDir
  const out = new Map<string, { unpacked: boolean; size: number }>()
  const walk = (dir: AsarDir, prefix: string): void => {
    for (const [name, entry] of Object.entries(dir.files)) {
      const rel = prefix ? `${prefix}/${name}` : name
      if ('files' in entry) walk(entry, rel)
      else out.set(rel, { unpacked: entry.unpacked === true, size: entry.size ?? 0 })
    }
  }
  walk(header, '')
  return out
}
interface AsarDir {
  files: Record<string, AsarDir | { size?: number; unpacked?: boolean }>
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

function pngSize(file: string): [number, number] {
  const buf = readFileSync(file)
  expect(buf.subarray(1, 4).toString('latin1'), file).toBe('PNG')
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)]
}

/** The bare package names a bundle imports (not node: builtins, not electron). */
function importedPackages(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8')
  const names = new Set<string>()
  // Static imports (at the start of a line in the bundle), dynamic import() and require(); a comment
  // or string that merely contains `from "…"` must not count.
  const patterns = [
    /^\s*import\s[^;]*?\sfrom\s*["']([^"'./][^"']*)["']/gm,
    /^\s*import\s*["']([^"'./][^"']*)["']/gm,
    /\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g,
  ]
  for (const m of patterns.flatMap((re) => [...text.matchAll(re)])) {
    const spec = m[1]
    if (spec.startsWith('node:') || builtinModules.includes(spec) || spec === 'electron') continue
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])
  }
  return [...names].sort()
}

describe('desktop build configuration', () => {
  it('has the project icon in every format the targets need', () => {
    expect(readFileSync(path.join(root, 'resources/icon.svg'), 'utf8')).toContain('<svg')
    expect(pngSize(path.join(root, 'resources/icon.png'))).toEqual([1024, 1024])
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(root, `resources/icons/${size}x${size}.png`))).toEqual([size, size])
    }
    const ico = readFileSync(path.join(root, 'resources/icon.ico'))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]) // ICONDIR, type icon
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5)
    expect(readFileSync(path.join(root, 'resources/icon.icns')).subarray(0, 4).toString('latin1')).toBe(
      'icns',
    )
  })

  it('package.json: main is the built entry and dist scripts build first', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      main: string
      scripts: Record<string, string>
    }
    expect(pkg.main).toBe('out/main/index.js')
    for (const [name, script] of Object.entries(pkg.scripts).filter(([n]) => n.startsWith('dist'))) {
      expect(script, name).toMatch(/^electron-vite build && electron-builder\b/)
    }
    for (const flag of ['--linux', '--win', '--mac']) {
      expect(Object.values(pkg.scripts)).toContain(`electron-vite build && electron-builder ${flag}`)
    }
  })
})

describe.skipIf(notBuilt)(
  'electron-builder packs the built app (linux dir target, stand-in Electron)',
  () => {
    const work = tempDir('dist')
    const output = path.join(work, 'release')
    const cache = path.join(work, 'native-cache')
    const nodeBinary = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')
    let native: NativeModule
    let seeded = ''
    let nodeBinaryHash = ''
    let resources = ''
    let files = new Map<string, { unpacked: boolean; size: number }>()
    let config: Record<string, unknown> = {}
    const savedCache = process.env.SCORELINE_NATIVE_CACHE

    beforeAll(async () => {
      native = (await import(
        pathToFileURL(path.join(root, 'scripts/electron-native.mjs')).href
      )) as NativeModule
      const electronVersion = native.installedElectronVersion()
      // The Electron download is blocked: a stand-in distribution with the files electron-builder renames.
      const dist = path.join(work, 'electron-dist')
      mkdirSync(path.join(dist, 'resources'), { recursive: true })
      writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\necho stand-in for Electron\n')
      chmodSync(path.join(dist, 'electron'), 0o755)
      writeFileSync(path.join(dist, 'version'), electronVersion)
      writeFileSync(path.join(dist, 'LICENSE'), 'stand-in')
      // The Electron-ABI binary cannot be fetched either: seed the hook's cache with a marked copy of a
      // linux binary, so the test can tell the hook's copy from the project's Node build.
      process.env.SCORELINE_NATIVE_CACHE = cache
      seeded = native.electronBindingPath({ electronVersion, platform: 'linux', arch: 'x64' })
      mkdirSync(path.dirname(seeded), { recursive: true })
      writeFileSync(
        seeded,
        Buffer.concat([readFileSync(nodeBinary), Buffer.from('scoreline-electron-abi-marker')]),
      )
      nodeBinaryHash = sha256(nodeBinary)

      const { build, Platform, Arch } = await import('electron-builder')
      await build({
        projectDir: root,
        targets: Platform.LINUX.createTarget('dir', Arch.x64),
        publish: 'never',
        config: {
          electronDist: dist,
          electronVersion,
          directories: { output },
          afterExtract: (context) => {
            config = context.packager.config as unknown as Record<string, unknown>
          },
        },
      })
      resources = path.join(output, 'linux-unpacked', 'resources')
      files = asarFiles(path.join(resources, 'app.asar'))
    }, 300_000)

    afterAll(() => {
      if (savedCache === undefined) delete process.env.SCORELINE_NATIVE_CACHE
      else process.env.SCORELINE_NATIVE_CACHE = savedCache
      rmSync(work, { recursive: true, force: true })
    })

    it('reads electron-builder.yml: app id, product name, the four installer targets, no auto-update', () => {
      expect(config).toMatchObject({
        appId: 'io.scoreline.desktop',
        productName: 'Scoreline',
        npmRebuild: false,
        afterPack: './scripts/electron-native.mjs',
        publish: null,
        directories: { buildResources: 'resources', output },
      })
      const targets = (key: string): string[] =>
        ((config[key] as { target: (string | { target: string })[] }).target ?? []).map((t) =>
          typeof t === 'string' ? t : t.target,
        )
      expect(targets('linux')).toEqual(['AppImage', 'deb'])
      expect(targets('win')).toEqual(['nsis'])
      expect(targets('mac')).toEqual(['dmg'])
      expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'csv' })])
    })

    it('packs the entry points `npm run build` made, and package.json names the main one', () => {
      for (const entry of entryPoints) expect(files.has(entry), entry).toBe(true)
      expect(files.has('package.json')).toBe(true)
      const mainSource = readFileSync(path.join(root, 'main/app/main.ts'), 'utf8')
      // The window's preload and renderer paths, relative to out/main/, land on packaged files.
      expect(mainSource).toContain("'../preload/index.cjs'")
      expect(mainSource).toContain("'../renderer/index.html'")
      expect([...files.keys()].filter((f) => f.endsWith('.map'))).toEqual([])
    })

    it('packages every package the main bundle imports (production dependencies)', () => {
      const imported = importedPackages('out/main/index.js')
      expect(imported).toContain('better-sqlite3')
      for (const name of imported) {
        expect(files.has(`node_modules/${name}/package.json`), `node_modules/${name}`).toBe(true)
      }
      // Checkout-only tooling stays out.
      expect(
        [...files.keys()].some(
          (f) => f.startsWith('node_modules/tsx/') || f.startsWith('node_modules/esbuild/'),
        ),
      ).toBe(false)
      // so does the compiled CLI (out/cli/, scripts/build-cli.mjs): it runs from a checkout
      expect([...files.keys()].filter((f) => f.startsWith('out/cli/'))).toEqual([])
    })

    it('unpacks better-sqlite3 (its JS and one binary, no sources) and the worker chunks', () => {
      const bs = [...files].filter(([f]) => f.startsWith('node_modules/better-sqlite3/'))
      expect(bs.length).toBeGreaterThan(0)
      for (const [f, entry] of bs) expect(entry.unpacked, f).toBe(true)
      expect(files.get('node_modules/better-sqlite3/lib/index.js')?.unpacked).toBe(true)
      expect(bs.map(([f]) => f).filter((f) => f.endsWith('.node'))).toEqual([
        'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      ])
      expect(bs.some(([f]) => /\/(src|deps)\//.test(f))).toBe(false)
      for (const [f, entry] of files)
        if (/^out\/main\/.*worker.*\.js$/.test(f)) expect(entry.unpacked, f).toBe(true)
      expect(
        existsSync(path.join(resources, 'app.asar.unpacked/node_modules/better-sqlite3/lib/index.js')),
      ).toBe(true)
    })

    it('ships the MLflow Model loader beside the app (resources/mlflow), where mlflowModel.ts looks for it', () => {
      const loader = path.join(resources, 'mlflow', 'scoreline_pyfunc.py')
      expect(existsSync(loader)).toBe(true)
      expect(readFileSync(loader, 'utf8')).toBe(
        readFileSync(path.join(root, 'resources/mlflow/scoreline_pyfunc.py'), 'utf8'),
      )
    })

    it("puts the Electron-ABI binary into the package and leaves the project's Node build alone", () => {
      const packaged = path.join(
        resources,
        'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      )
      expect(sha256(packaged)).toBe(sha256(seeded))
      expect(native.binaryPlatform(packaged)).toBe('linux')
      expect(sha256(nodeBinary)).toBe(nodeBinaryHash)
    })
  },
)
