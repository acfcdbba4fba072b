/**
 * Artifact names and paths are sanitised against path traversal.
 *
 * 1. The app's MLflow client refuses hostile paths (`..` segments with / or \, NUL) with the typed
 *    TRACKING_INVALID error before any request leaves: a loopback recorder standing in for MLflow
 *    receives nothing.
 * 2. Against the real MLflow server: files with hostile-looking names are uploaded through the raw
 *    REST API (and a real `..` upload is attempted); the app's store then lists and downloads every
 *    file into a temp folder, joining the listed paths to it. Every listed path is relative and
 *    traversal-free, every write lands inside the folder, nothing appears outside it, and nothing
 *    escaped the MLflow server's own artifact root either.
 * 3. The app's local artifact store (which writes files) takes the same hostile names: nothing is
 *    written outside its artifact folder, and reads with hostile paths are refused typed.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MlflowClient } from '../../main/services/tracking/mlflowClient'
import { MlflowTrackingStore } from '../../main/services/tracking/mlflowTrackingStore'
import { LocalTrackingStore } from '../../main/services/tracking/localTrackingStore'
import { PromotionLog } from '../../main/services/tracking/promotionLog'
import { openMemoryTrackingDatabase } from '../../main/services/tracking/localSchema'
import { describeWithService } from '../support/services'
import { removeByPrefix, testNamePrefix } from '../support/mlflowHygiene'

const TRAVERSALS = [
  '../escape.txt',
  '../../escape.txt',
  'model/../../escape.txt',
  '..',
  './../escape.txt',
  '..\\escape.txt',
  '..\\..\\escape.txt',
  'model\\..\\..\\escape.txt',
  'a/..\\..\\escape.txt',
  'nul\u0000.txt',
  '\u0000',
]

function tree(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e)
      out.push(path.relative(dir, p))
      if (statSync(p).isDirectory()) walk(p)
    }
  }
  if (existsSync(dir)) walk(dir)
  return out.sort()
}

const isTyped = (e: unknown) => (e as { code?: string })?.code === 'TRACKING_INVALID'

describe('MLflow client refuses traversal before any request', () => {
  let server: http.Server
  let uri: string
  const hits: string[] = []
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"files":[]}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it.each(TRAVERSALS)('refuses %j for upload, download and listing', async (hostile) => {
    const client = new MlflowClient({ trackingUri: uri })
    const artifactUri = 'mlflow-artifacts:/1/0123456789abcdef/artifacts'
    hits.length = 0
    for (const attempt of [
      () => client.uploadArtifact(artifactUri, hostile, 'x'),
      () => client.downloadArtifact(artifactUri, hostile),
      () => client.listArtifacts(artifactUri, hostile),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      )
      expect(isTyped(error), `${hostile}: ${String(error)}`).toBe(true)
    }
    expect(hits).toEqual([])
  })

  it('refuses a hostile artifact root a server might hand back', async () => {
    const client = new MlflowClient({ trackingUri: uri })
    hits.length = 0
    const error = await client
      .downloadArtifact('mlflow-artifacts:/1/../../../etc/artifacts', 'passwd')
      .catch((e) => e)
    expect(isTyped(error)).toBe(true)
    expect(hits).toEqual([])
  })
})

describeWithService(
  'mlflow',
  'artifact downloads from a real MLflow server stay inside the target folder',
  (uri) => {
    const prefix = testNamePrefix()
    let store: MlflowTrackingStore
    let runId: string
    let artifactUri: string
    let target: string
    let outside: string
    const db = openMemoryTrackingDatabase()

    beforeAll(async () => {
      const client = new MlflowClient({ trackingUri: uri })
      store = new MlflowTrackingStore({ client, promotions: new PromotionLog(db, client.origin) })
      const experiment = await store.ensureExperiment(`${prefix}scoreline-artifact-traversal`)
      const run = await store.startRun({ experimentId: experiment.id, runName: 'hostile names' })
      runId = run.runId
      artifactUri = run.artifactUri!
      outside = mkdtempSync(path.join(os.tmpdir(), 'scoreline-artifacts-outside-'))
      target = path.join(outside, 'download')
      mkdirSync(target)
    })
    afterAll(async () => {
      rmSync(outside, { recursive: true, force: true })
      db.close()
      // leave the shared server as found: the run ended, its experiment removed
      await store.endRun(runId, 'FINISHED')
      await removeByPrefix(uri, prefix)
    })

    /** PUT straight to the server's artifact API, bypassing the app's sanitiser; returns the status. */
    async function rawPut(relative: string, body: string): Promise<number> {
      const root = artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/?/, '')
      const res = await fetch(`${uri}/api/2.0/mlflow-artifacts/artifacts/${root}/${relative}`, {
        method: 'PUT',
        body,
      })
      await res.arrayBuffer()
      return res.status
    }

    it('lists and downloads hostile-named files into the target folder and nowhere else', async () => {
      // names a server accepts (a backslash is a file-name character on a POSIX server), and real
      // traversal attempts (percent-encoded so fetch does not normalise them away)
      const safe = ['..escape.txt', 'dots..in..name.txt', '%2E%2E%2E.txt', 'sub/nested/ok.json']
      for (const name of safe) expect(await rawPut(name, `content of ${name}`), name).toBeLessThan(300)
      // a backslash is a file-name character on a POSIX server, a separator on Windows
      const accepted: string[] = []
      for (const name of ['hostile/..%5C..%5Cescape.txt', 'hostile/sub/..%5Cescape.txt']) {
        if ((await rawPut(name, `content of ${name}`)) < 300) accepted.push(name)
      }
      for (const name of [
        '%2E%2E/escape.txt',
        '%2E%2E%2F%2E%2E%2Fescape.txt',
        'sub/%2E%2E/%2E%2E/escape.txt',
      ]) {
        await rawPut(name, 'escape') // whatever the server does with it, the app must not follow
      }

      // walk the listing with the app's store and save every file under `target`
      const saved: string[] = []
      const walk = async (dir: string) => {
        let entries: Awaited<ReturnType<typeof store.listArtifacts>>
        try {
          entries = await store.listArtifacts(runId, dir)
        } catch (error) {
          expect(isTyped(error), String(error)).toBe(true) // a hostile listing is refused, typed
          return
        }
        for (const entry of entries) {
          expect(path.isAbsolute(entry.path)).toBe(false)
          expect(entry.path.split(/[\\/]/)).not.toContain('..')
          expect(entry.path).not.toContain('\u0000')
          if (entry.isDir) {
            await walk(entry.path)
            continue
          }
          const bytes = await store.downloadArtifact(runId, entry.path)
          const file = path.resolve(target, ...entry.path.split('/'))
          expect(file.startsWith(target + path.sep), `${entry.path} → ${file}`).toBe(true)
          mkdirSync(path.dirname(file), { recursive: true })
          writeFileSync(file, bytes)
          saved.push(entry.path)
        }
      }
      await walk('')
      // every safe file came down, under its own name; the hostile ones did not
      expect(saved.sort()).toEqual(['....txt', '..escape.txt', 'dots..in..name.txt', 'sub/nested/ok.json'])
      // nothing next to the target folder, nothing escaped on the server side either
      expect(readdirSync(outside)).toEqual(['download'])
      const mlflowDir = process.env.MLFLOW_DIR
      if (mlflowDir) {
        // (MLflow 3.17 itself lets a raw `%2E%2E/` PUT land one level up, beside the run's artifacts
        // folder — which is why the app's client never sends one — but not outside its artifact root)
        const escaped = tree(mlflowDir).filter(
          (p) => /escape\.txt$/.test(p) && !p.startsWith(`artifacts${path.sep}`),
        )
        expect(escaped).toEqual([])
      }
      // the app's own client refuses to ask for a traversal, whatever the server would say
      for (const hostile of TRAVERSALS) {
        expect(isTyped(await store.downloadArtifact(runId, hostile).catch((e) => e)), hostile).toBe(true)
      }
    })
  },
)

describe('the local artifact store writes nothing outside its folder', () => {
  let root: string
  let store: LocalTrackingStore
  const db = openMemoryTrackingDatabase()
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-local-artifacts-'))
    store = new LocalTrackingStore({ db, artifactsDir: path.join(root, 'artifacts') })
  })
  afterAll(() => {
    rmSync(root, { recursive: true, force: true })
    db.close()
  })

  it('refuses traversal names typed, writes only inside the run folder, reads nothing outside', async () => {
    writeFileSync(path.join(root, 'secret.txt'), 'outside')
    const experiment = await store.ensureExperiment('traversal')
    const run = await store.startRun({ experimentId: experiment.id })
    const before = tree(root)
    for (const hostile of TRAVERSALS) {
      const write = await store.logArtifact(run.runId, hostile, 'x').then(
        () => null,
        (e: unknown) => e,
      )
      expect(isTyped(write), `${JSON.stringify(hostile)}: ${String(write)}`).toBe(true)
      const read = await store.downloadArtifact(run.runId, hostile).then(
        () => null,
        (e: unknown) => e,
      )
      expect(isTyped(read), `${JSON.stringify(hostile)}: ${String(read)}`).toBe(true)
    }
    // an absolute path is taken relative to the run, never as the absolute file
    await store.logArtifact(run.runId, '/tmp/absolute.txt', 'x')
    const after = tree(root)
    const added = after.filter((p) => !before.includes(p))
    for (const p of added) expect(p === 'artifacts' || p.startsWith(`artifacts${path.sep}`), p).toBe(true)
    expect(
      existsSync('/tmp/absolute.txt') && statSync('/tmp/absolute.txt').mtimeMs > Date.now() - 60_000,
    ).toBe(false)
    expect(tree(root).filter((p) => !p.startsWith('artifacts'))).toEqual(['secret.txt'])
  })
})
