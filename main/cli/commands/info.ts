import type { Command } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import type { AppInfo } from '../../../shared/api/domains/app'

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, the data folder and whether each backend is reachable.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const info = await call(scoreline, 'app.info', {})
      ctx.output(info, renderInfo)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export function renderInfo(info: AppInfo): string {
  const lines = [
    `${info.name} ${info.version} (${info.runtime.shell}, node ${info.runtime.node}, ${info.runtime.platform})`,
  ]
  lines.push(`data folder: ${info.dataDir}`, '', 'backends:')
  for (const b of info.backends) {
    const state =
      b.state === 'reachable'
        ? `reachable${b.latencyMs !== null ? ` (${b.latencyMs} ms)` : ''}`
        : b.state === 'unreachable'
          ? `unreachable: ${b.detail}`
          : 'not configured'
    lines.push(
      `  ${b.name.padEnd(9)} ${state}${b.target ? `  ${b.target}` : ''}${b.state === 'reachable' && b.detail ? `  — ${b.detail}` : ''}`,
    )
  }
  return lines.join('\n') + '\n'
}
