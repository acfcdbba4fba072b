import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from '../framework'
import { UserError } from '../framework'
import { openScoreline, SERVICE_OPTIONS } from '../context'
import { isLoopbackHost, startBridge } from '../../bridge/server'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export function defaultRendererDir(): string {
  return path.join(repoRoot, 'out', 'renderer')
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in a browser over a loopback bridge (headless boxes, end-to-end tests).',
  usage: '[--port N] [--open] [--host HOST]',
  options: {
    ...SERVICE_OPTIONS,
    port: { type: 'string', description: 'Port to listen on (default: a free one)', valueName: 'N' },
    open: { type: 'boolean', description: 'Open the page in the default browser' },
    host: {
      type: 'string',
      description: 'Bind address; anything but loopback exposes your data (explicit opt-in)',
      valueName: 'host',
    },
    renderer: {
      type: 'string',
      description: 'Folder of the built renderer (default: out/renderer)',
      valueName: 'dir',
    },
  },
  async run(ctx) {
    const portText = ctx.values.port as string | undefined
    const port = portText === undefined ? 0 : Number(portText)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UserError(`--port must be a port number, got "${portText}"`)
    const host = (ctx.values.host as string | undefined) ?? '127.0.0.1'
    const rendererDir = path.resolve((ctx.values.renderer as string | undefined) ?? defaultRendererDir())
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      throw new UserError(
        `The renderer is not built (${rendererDir}/index.html is missing): run \`npm run build\` first.`,
      )
    }
    if (!isLoopbackHost(host)) {
      ctx.stderr.write(
        `warning: binding to ${host} makes Scoreline reachable from other machines; anyone with the token can read and change your data.\n`,
      )
    }
    const scoreline = openScoreline(ctx, 'browser-bridge')
    const bridge = await startBridge({
      dispatch: scoreline.dispatch,
      events: scoreline.events,
      rendererDir,
      host,
      port,
      allowNonLoopback: ctx.values.host !== undefined,
      logger: scoreline.logger.child('bridge'),
    })
    if (ctx.json) ctx.stdout.write(JSON.stringify({ url: bridge.urlWithToken, port: bridge.port }) + '\n')
    else ctx.stdout.write(`Scoreline is serving on ${bridge.urlWithToken}\nPress Ctrl+C to stop.\n`)
    if (ctx.values.open) openInBrowser(bridge.urlWithToken)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await bridge.close()
    await scoreline.close()
    return 0
  },
}

function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]]
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true })
  child.on('error', () => {})
  child.unref()
}
