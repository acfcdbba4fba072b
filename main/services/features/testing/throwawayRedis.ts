/**
 * A private redis-server child process for tests that must kill and restart Redis (the shared server
 * on 6379 is never touched). Append-only file in a temp folder, fsync on every write, so what was
 * acknowledged before a SIGKILL is still there after the restart (as on a production Redis).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface ThrowawayRedis {
  port: number
  url: string
  /** SIGKILL, like a crash; resolves when the process has exited. */
  kill(): Promise<void>
  /** Starts again on the same port and data folder; resolves when it answers PING. */
  start(): Promise<void>
  /** Sends a signal (SIGSTOP / SIGCONT simulate a hung server). */
  signal(signal: NodeJS.Signals): void
  /** Kills it and deletes its folder. */
  dispose(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(200, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fs-redis-'))
  let child: ChildProcess | null = null

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return // already running
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
        '--logfile',
        path.join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    )
    child = proc
    // If the test process dies first (a timeout, Ctrl-C), take the server down with it.
    const reap = () => proc.kill('SIGKILL')
    process.once('exit', reap)
    proc.once('exit', () => process.removeListener('exit', reap))
    const deadline = Date.now() + 5000
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`)
      if (await ping(port)) return
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`redis-server on port ${port} did not answer within 5 s`)
  }

  const kill = async () => {
    const proc = child
    child = null
    if (!proc || proc.exitCode !== null) return
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve())
      proc.kill('SIGKILL')
    })
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    signal: (sig) => {
      child?.kill(sig)
    },
    async dispose() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
