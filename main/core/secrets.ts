import type { SecretKey } from '../../shared/api/domains/app'
import type { SettingsStore } from '../services/data/db'
import { ApiError } from '../../shared/api/errors'

/**
 * Secrets entered in the app are encrypted by the OS (Electron safeStorage); the encryption is
 * injected so this module never imports electron. The CLI and the browser bridge take secrets
 * from the environment only.
 */
export interface SecretCipher {
  /** null when encryption is available; otherwise why not (e.g. Linux without a keyring). */
  unavailableReason(): string | null
  encrypt(plain: string): Buffer
  decrypt(cipher: Buffer): string
}

export interface SecretStore {
  status(): { available: boolean; reason: string | null; stored: SecretKey[] }
  get(key: SecretKey): string | null
  set(key: SecretKey, value: string | null): void
}

const SECRET_KEYS: SecretKey[] = ['mlflowToken', 'mlflowPassword', 'databasePassword', 'redisPassword']
const settingKey = (key: SecretKey) => `secret.${key}`

export function createSecretStore(
  settings: SettingsStore,
  cipher: SecretCipher | null,
  shell: string,
): SecretStore {
  const reason = () =>
    cipher
      ? cipher.unavailableReason()
      : `Secrets are not stored in ${shell} mode: set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD, and DATABASE_URL / REDIS_URL with their passwords, in the environment.`
  return {
    status() {
      const why = reason()
      return {
        available: why === null,
        reason: why,
        stored: SECRET_KEYS.filter((key) => settings.get(settingKey(key)) !== undefined),
      }
    },
    get(key) {
      const stored = settings.get(settingKey(key))
      if (stored === undefined || !cipher || cipher.unavailableReason() !== null) return null
      try {
        return cipher.decrypt(Buffer.from(stored, 'base64'))
      } catch {
        return null
      }
    },
    set(key, value) {
      if (value === null) {
        settings.delete(settingKey(key))
        return
      }
      const why = reason()
      if (why !== null || !cipher) throw new ApiError('CONFIG', why ?? 'Secret storage is unavailable.')
      settings.set(settingKey(key), cipher.encrypt(value).toString('base64'))
    },
  }
}
