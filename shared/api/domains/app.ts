import { z } from 'zod'
import { event, procedure } from '../define'
import { prizeTiersByProviderSchema } from '../../jackpotPrizeTiers'

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
  /** Offline mode: Postgres, Redis and MLflow are not contacted (the embedded stores are used). */
  offline: z.boolean().optional(),
  checkedAt: z.string(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const settingKeySchema = z.enum([
  'databaseUrl',
  'redisUrl',
  'mlflowTrackingUri',
  'theme',
  'dataDir',
  'offline',
  'workers',
  'marginMethod',
  'blendType',
  'calibrationMethod',
  'promotionMargin',
  'jackpotPrizeTiers',
])
export type SettingKey = z.infer<typeof settingKeySchema>

/** Margin removal of bookmaker odds (GUIDE: name the method wherever a market figure appears). */
export const marginMethodSchema = z.enum(['multiplicative', 'additive', 'power', 'shin'])
export const blendTypeSchema = z.enum(['log', 'linear'])
export const calibrationMethodSchema = z.enum(['temperature', 'isotonic', 'none'])
/** Bounds of the numeric settings (the handler and the Settings page check the same). */
export const SETTING_LIMITS = {
  workers: { min: 1, max: 64 },
  promotionMargin: { min: 0, max: 0.05 },
} as const

/** What is stored in the app database (null: not set, the default or the environment applies). */
export const settingsSchema = z.object({
  databaseUrl: z.string().nullable(),
  redisUrl: z.string().nullable(),
  mlflowTrackingUri: z.string().nullable(),
  theme: z.enum(['system', 'light', 'dark']).nullable(),
  /** Stored beside the default data folder (the app database lives in the data folder itself). */
  dataDir: z.string().nullable(),
  offline: z.boolean().nullable(),
  workers: z.number().int().nullable(),
  marginMethod: marginMethodSchema.nullable(),
  blendType: blendTypeSchema.nullable(),
  calibrationMethod: calibrationMethodSchema.nullable(),
  promotionMargin: z.number().nullable(),
  /** Prize tiers per jackpot provider (stored as JSON text; shared/jackpotPrizeTiers.ts). */
  jackpotPrizeTiers: prizeTiersByProviderSchema.nullable().optional(),
})
export type Settings = z.infer<typeof settingsSchema>

export const settingSourceSchema = z.enum(['flag', 'environment', 'setting', 'default'])
const effective = <T extends z.ZodTypeAny>(value: T) =>
  z.object({ value, source: settingSourceSchema, variable: z.string().nullable() })

/** The values in effect now and where each comes from (flag > environment > stored setting > default). */
export const effectiveSettingsSchema = z.object({
  dataDir: effective(z.string()).extend({
    /** A stored data folder that differs from the one in use: it takes effect after a restart. */
    pending: z.string().nullable(),
  }),
  offline: effective(z.boolean()),
  workers: effective(z.number().int()).extend({
    /** Workers the running training pool was started with (a change takes effect after a restart). */
    running: z.number().int(),
  }),
  marginMethod: effective(marginMethodSchema),
  blendType: effective(blendTypeSchema),
  calibrationMethod: effective(calibrationMethodSchema),
  promotionMargin: effective(z.number()),
})
export type EffectiveSettings = z.infer<typeof effectiveSettingsSchema>

export const secretKeySchema = z.enum(['mlflowToken', 'mlflowPassword', 'databasePassword', 'redisPassword'])
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
  'settings.effective': procedure({
    summary:
      'The settings in effect (data folder, offline mode, workers, modelling defaults) and where each comes from.',
    input: z.object({}).strict(),
    output: effectiveSettingsSchema,
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
