#!/usr/bin/env node
/**
 * Builds the compiled `scoreline` CLI: main/cli/compiled.ts and the training worker
 * (main/services/training/modelWorker.ts) bundled by esbuild into out/cli/<hash>/ (ES modules, code
 * split so each command's services load only when it runs; better-sqlite3 stays a native dependency).
 * out/cli/manifest.json names the current build and the source files it was built from (size and mtime).
 *
 * - `npm install` / `npm ci` run it (the `prepare` script) and so does `npm run build`.
 * - bin/scoreline.mjs checks the manifest on every start (a stat per source file, a few ms) and, when a
 *   source changed since, calls `ensureCliBuild()`: the content hash decides whether to rebuild, so a
 *   touched but unchanged file costs one hash, never a build.
 * - Concurrent starts are safe: each build writes its own folder and the manifest is replaced atomically.
 *
 * `import.meta.url` in the sources is rewritten to the source file's own URL (relative to the build
 * folder), so paths computed from it (the Postgres migrations folder, the renderer folder of `serve`)
 * point into the checkout as they do when the sources run; compiled.ts, the entry, keeps its own URL to
 * find the bundled worker beside it.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const CLI_ENTRY = 'main/cli/compiled.ts'
export const WORKER_ENTRY = 'main/services/training/modelWorker.ts'
/** Files outside the bundle's inputs that change what it does (esbuild options live in this file). */
const EXTRA_INPUTS = ['scripts/build-cli.mjs', 'package.json', 'package-lock.json']

export function cliOutDir(root = repoRoot) {
  return path.join(root, 'out', 'cli')
}

export function readManifest(root = repoRoot) {
  try {
    return JSON.parse(readFileSync(path.join(cliOutDir(root), 'manifest.json'), 'utf8'))
  } catch {
    return null
  }
}

function stamp(root, file) {
  const st = statSync(path.join(root, file))
  return [file, st.size, Math.trunc(st.mtimeMs)]
}

function contentHash(root, files) {
  const hash = createHash('sha256')
  for (const file of [...files].sort()) {
    hash.update(file + '\0')
    hash.update(readFileSync(path.join(root, file)))
    hash.update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

function writeManifest(root, manifest) {
  const file = path.join(cliOutDir(root), 'manifest.json')
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(tmp, JSON.stringify(manifest))
  renameSync(tmp, file)
}

/** Rewrites `import.meta.url` in each source file to that file's URL, seen from the build folder. */
function sourceUrlPlugin(root) {
  const keep = new Set([path.join(root, CLI_ENTRY)])
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
        const text = readFileSync(args.path, 'utf8')
        if (keep.has(args.path) || !text.includes('import.meta.url')) return undefined
        // the build folder is out/cli/<hash>/: three levels below the checkout's root
        const relative = path
          .relative(path.join(root, 'out', 'cli', 'build'), args.path)
          .split(path.sep)
          .join('/')
        return {
          contents: text.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(relative)}, import.meta.url).href`,
          ),
          loader: 'ts',
        }
      })
    },
  }
}

/**
 * The Postgres and Redis clients load when first used, not when the CLI starts: most commands with
 * nothing configured never touch them (pg and ioredis are ~100 ms of every start otherwise). Our
 * sources import them statically; in the bundle those imports resolve to a stand-in whose values load
 * the real package (from node_modules, not bundled) on first access, construction or `instanceof`.
 */
const LAZY_PACKAGES = {
  pg: { default: true, named: [] },
  ioredis: { default: false, named: ['Redis', 'ReplyError'] },
}

function lazyPackagesPlugin(root) {
  return {
    name: 'lazy-packages',
    setup(build) {
      const filter = new RegExp(`^(${Object.keys(LAZY_PACKAGES).join('|')})$`)
      build.onResolve({ filter }, (args) => {
        if (args.namespace === 'lazy-package') return { path: args.path, external: true }
        return { path: args.path, namespace: 'lazy-package' }
      })
      build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
        const spec = LAZY_PACKAGES[args.path]
        const lines = [
          "import { createRequire } from 'node:module'",
          'const require = createRequire(import.meta.url)',
          'let real',
          `const load = () => (real ??= require(${JSON.stringify(args.path)}))`,
          // a function target so the stand-in can be called, constructed and used on the right of instanceof
          'const lazy = (get) => new Proxy(function () {}, {',
          '  get: (_, key) => get()[key],',
          '  has: (_, key) => key in get(),',
          '  construct: (_, args) => Reflect.construct(get(), args),',
          '  apply: (_, self, args) => Reflect.apply(get(), self, args),',
          '})',
        ]
        if (spec.default) lines.push('export default lazy(() => load())')
        for (const name of spec.named) lines.push(`export const ${name} = lazy(() => load().${name})`)
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root }
      })
    },
  }
}

/** Builds the CLI now (whatever the manifest says); returns the new manifest. */
export async function buildCli({ root = repoRoot, log = () => {} } = {}) {
  const { build } = await import('esbuild')
  const out = cliOutDir(root)
  const previous = readManifest(root)?.dir
  const tmp = path.join(out, `.build-${process.pid}-${Date.now()}`)
  const started = Date.now()
  const result = await build({
    absWorkingDir: root,
    entryPoints: { cli: CLI_ENTRY, modelWorker: WORKER_ENTRY },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // native code cannot be bundled (pg and ioredis: see lazyPackagesPlugin)
    external: ['better-sqlite3'],
    // CommonJS dependencies bundled into ES modules still call require() for Node built-ins
    banner: {
      js: "import { createRequire as __scorelineRequire } from 'node:module';\nconst require = __scorelineRequire(import.meta.url);",
    },
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceUrlPlugin(root), lazyPackagesPlugin(root)],
  })
  const sources = [
    ...new Set([
      ...Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/') && !f.includes(':')),
      ...EXTRA_INPUTS,
    ]),
  ].sort()
  const hash = contentHash(root, sources)
  const dir = path.join(out, hash)
  try {
    renameSync(tmp, dir)
  } catch {
    // another process built the same sources meanwhile: use its folder
    rmSync(tmp, { recursive: true, force: true })
  }
  const manifest = {
    hash,
    dir: hash,
    builtAt: new Date().toISOString(),
    sources: sources.map((f) => stamp(root, f)),
  }
  writeManifest(root, manifest)
  removeOldBuilds(root, [hash, previous])
  log(`scoreline: compiled the CLI into out/cli/${hash} in ${Date.now() - started} ms`)
  return manifest
}

/**
 * Removes builds over an hour old but the new one and the one it replaces: a CLI started a moment ago (or a
 * long-running `serve` starting a worker) may still be loading files of the previous build.
 */
function removeOldBuilds(root, keep) {
  const out = cliOutDir(root)
  const hourAgo = Date.now() - 3600_000
  for (const name of readdirSync(out)) {
    if (keep.includes(name) || name === 'manifest.json' || name.endsWith('.tmp')) continue
    const dir = path.join(out, name)
    try {
      if (statSync(dir).mtimeMs < hourAgo) rmSync(dir, { recursive: true, force: true })
    } catch {
      // already gone
    }
  }
}

/** The source files whose size or mtime differ from the manifest's (deleted files count as changed). */
export function changedSources(manifest, root = repoRoot) {
  const changed = []
  for (const [file, size, mtime] of manifest.sources) {
    try {
      const st = statSync(path.join(root, file))
      if (st.size !== size || Math.trunc(st.mtimeMs) !== mtime) changed.push(file)
    } catch {
      changed.push(file)
    }
  }
  return changed
}

/**
 * The current build, rebuilt first if its sources' content changed. Without esbuild (a production
 * install) an existing build is used as it is.
 */
export async function ensureCliBuild({ root = repoRoot, log = () => {} } = {}) {
  const manifest = readManifest(root)
  const usable = manifest && existsSync(path.join(cliOutDir(root), manifest.dir, 'cli.js'))
  if (usable) {
    const changed = changedSources(manifest, root)
    if (changed.length === 0) return manifest
    const present = manifest.sources.every(([file]) => existsSync(path.join(root, file)))
    if (
      present &&
      contentHash(
        root,
        manifest.sources.map(([file]) => file),
      ) === manifest.hash
    ) {
      // touched, not changed (a checkout, a formatter): remember the new times when the folder is writable
      const refreshed = { ...manifest, sources: manifest.sources.map(([file]) => stamp(root, file)) }
      try {
        writeManifest(root, refreshed)
      } catch (error) {
        if (!READ_ONLY.has(error?.code)) throw error
      }
      return refreshed
    }
  }
  try {
    return await buildCli({ root, log })
  } catch (error) {
    // a production install (no esbuild) or a read-only checkout (a service user, ProtectSystem=strict):
    // the build there is the one `npm ci` made
    const noEsbuild = error?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String(error.message))
    if (usable && (noEsbuild || READ_ONLY.has(error?.code))) return manifest
    throw error
  }
}

const READ_ONLY = new Set(['EACCES', 'EPERM', 'EROFS'])

/** The file URL of the compiled CLI's entry for a manifest. */
export function cliEntryUrl(manifest, root = repoRoot) {
  return pathToFileURL(path.join(cliOutDir(root), manifest.dir, 'cli.js')).href
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  try {
    await buildCli({ log: (line) => process.stderr.write(line + '\n') })
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String(error.message))) {
      // `npm install --omit=dev`: nothing to build with; a build made before (npm ci) stays usable
      process.stderr.write(
        'scoreline: esbuild is not installed (production install): the CLI was not compiled\n',
      )
    } else throw error
  }
}
