import { z } from 'zod'
import { event, procedure } from '../define'

export const backendNameSchema = z.enum(['sqlite', 'postgres', 'redis', 'mlflow'])
export type BackendName = z.infer<typeof backendNameSchema>

export const backendStatusSchema = z.object({
  name: backendNameSchema,
  /** What the backend is for, in the analyst's words. */
  role: z.string(),
  configured: z.boolean(),
  state: z.enum(['not-configured', 'reachable', 'unreachable']),
  /** Where it is: a file path or a URL with any credentials removed. */
  target: z.string().nullable(),
  /** Why it is unreachable, or a short fact when reachable (server version, schema version). */
  detail: z.string().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
})
export type BackendStatus = z.infer<typeof backendStatusSchema>

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  runtime: z.object({
    shell: z.enum(['electron', 'browser-bridge', 'cli']),
    node: z.string(),
    electron: z.string().nullable(),
    platform: z.string(),
  }),
  backends: z.array(backendStatusSchema),
  checkedAt: z.string(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const settingKeySchema = z.enum(['databaseUrl', 'redisUrl', 'mlflowTrackingUri', 'theme'])
export type SettingKey = z.infer<typeof settingKeySchema>

export const settingsSchema = z.object({
  databaseUrl: z.string().nullable(),
  redisUrl: z.string().nullable(),
  mlflowTrackingUri: z.string().nullable(),
  theme: z.enum(['system', 'light', 'dark']).nullable(),
})
export type Settings = z.infer<typeof settingsSchema>

export const secretKeySchema = z.enum(['mlflowToken', 'mlflowPassword'])
export type SecretKey = z.infer<typeof secretKeySchema>

export const logLineSchema = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  time: z.string(),
  scope: z.string(),
  message: z.string(),
})

export const appProcedures = {
  'app.info': procedure({
    summary: 'Version, data folder and the status of every backend (checked now).',
    input: z.object({}).strict(),
    output: appInfoSchema,
  }),
  'app.ping': procedure({
    summary: 'Round trip through the transport; echoes the message.',
    input: z.object({ message: z.string().max(1000) }).strict(),
    output: z.object({ message: z.string(), receivedAt: z.string() }),
  }),
  'settings.get': procedure({
    summary: 'Settings stored in the app database (environment variables override them).',
    input: z.object({}).strict(),
    output: settingsSchema,
  }),
  'settings.set': procedure({
    summary: 'Store one setting in the app database (null clears it).',
    input: z
      .object({
        key: settingKeySchema,
        value: z.string().max(2000).nullable(),
      })
      .strict(),
    output: settingsSchema,
  }),
  'settings.testConnection': procedure({
    summary:
      'Check one backend now: reachable or why not, latency and server version (the typed URL, or the configured one).',
    input: z
      .object({
        backend: z.enum(['postgres', 'redis', 'mlflow']),
        url: z.string().max(2000).nullable().optional(),
      })
      .strict(),
    output: backendStatusSchema,
  }),
  'settings.secretStatus': procedure({
    summary: 'Whether secrets can be stored encrypted here, and which ones are set (never their values).',
    input: z.object({}).strict(),
    output: z.object({
      available: z.boolean(),
      reason: z.string().nullable(),
      stored: z.array(secretKeySchema),
      fromEnvironment: z.array(secretKeySchema),
    }),
  }),
  'settings.setSecret': procedure({
    summary: 'Store (or clear, with null) a secret encrypted with the OS keychain (Electron safeStorage).',
    input: z.object({ key: secretKeySchema, value: z.string().min(1).max(4096).nullable() }).strict(),
    output: z.object({ key: secretKeySchema, stored: z.boolean() }),
  }),
}

export const appEvents = {
  'app.log': event({ summary: 'A log line from the main process.', payload: logLineSchema }),
  'app.backendStatus': event({
    summary: 'Backend status changed (a service became reachable or unreachable).',
    payload: z.object({ backends: z.array(backendStatusSchema) }),
  }),
}
