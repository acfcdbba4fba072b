import { safeStorage } from 'electron'
import type { SecretCipher } from '../core/secrets'

/** Electron safeStorage as a SecretCipher; refuses Linux's plain-text fallback. */
export const safeStorageCipher: SecretCipher = {
  unavailableReason() {
    if (!safeStorage.isEncryptionAvailable())
      return 'The operating system offers no encryption for secrets here.'
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return 'No keyring (GNOME Keyring or KWallet) is available, so secrets would be stored as plain text; set them in the environment instead.'
    }
    return null
  },
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (cipher) => safeStorage.decryptString(cipher),
}
