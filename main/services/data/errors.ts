/**
 * Typed errors of the data layer. Every error carries a stable `code` and optional `details`, so the
 * dispatcher can turn it into `{ code, message, details }` unchanged across IPC, HTTP and the CLI.
 */
export type DataErrorCode =
  | 'DB_MIGRATION_CHECKSUM'
  | 'DB_MIGRATION_INVALID'
  | 'DB_MIGRATION_FAILED'
  | 'DB_TOO_NEW'
  | 'UNKNOWN_TEAM'
  | 'ALIAS_CONFLICT'
  | 'IMPORT_INVALID'
  | 'PG_MIGRATION_CHECKSUM'
  | 'PG_MIGRATION_FAILED'
  | 'SERVICE_UNREACHABLE'
  | 'SYNC_FAILED'
  | 'DOWNLOAD_FAILED'
  | 'NOT_FOUND'
  | 'DATA_FOLDER_UNUSABLE'
  | 'DATABASE_URL_INVALID'

export class DataError extends Error {
  readonly code: DataErrorCode
  readonly details?: Record<string, unknown>

  constructor(code: DataErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'DataError'
    this.code = code
    if (details !== undefined) this.details = details
  }
}

export function isDataError(error: unknown, code?: DataErrorCode): error is DataError {
  return error instanceof DataError && (code === undefined || error.code === code)
}
