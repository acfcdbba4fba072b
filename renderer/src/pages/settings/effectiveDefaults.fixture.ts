import type { EffectiveSettings } from '../../../../shared/api/domains/app'

/** What settings.effective answers with nothing configured (for renderer tests). */
export const EFFECTIVE_DEFAULTS: EffectiveSettings = {
  dataDir: { value: '/data', source: 'environment', variable: 'SCORELINE_HOME', pending: null },
  offline: { value: false, source: 'default', variable: 'SCORELINE_OFFLINE' },
  workers: { value: 1, source: 'default', variable: 'SCORELINE_WORKERS', running: 1 },
  marginMethod: { value: 'shin', source: 'default', variable: null },
  blendType: { value: 'log', source: 'default', variable: null },
  calibrationMethod: { value: 'temperature', source: 'default', variable: null },
  promotionMargin: { value: 0.001, source: 'default', variable: null },
}
