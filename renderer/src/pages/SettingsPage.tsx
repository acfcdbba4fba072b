import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { SecretKey, SettingKey } from '../../../shared/api/domains/app'
import { applyTheme, useSettingsStore } from '../stores/settingsStore'
import { useAppInfoStore } from '../stores/appInfoStore'
import { AppSettings } from './settings/AppSettings'

const CONNECTIONS: {
  key: Extract<SettingKey, 'databaseUrl' | 'redisUrl' | 'mlflowTrackingUri'>
  backend: 'postgres' | 'redis' | 'mlflow'
  label: string
  env: string
  placeholder: string
  help: string
}[] = [
  {
    key: 'databaseUrl',
    backend: 'postgres',
    label: 'Team Postgres',
    env: 'DATABASE_URL',
    placeholder: 'postgres://analyst@db.team.example:5432/scoreline',
    help: 'Synced into the local cache; the app keeps working offline. A password typed in the URL is stored encrypted, apart from it.',
  },
  {
    key: 'redisUrl',
    backend: 'redis',
    label: 'Redis feature store',
    env: 'REDIS_URL',
    placeholder: 'redis://features.team.example:6379',
    help: 'Without it, features live in a local store. A password typed in the URL is stored encrypted, apart from it.',
  },
  {
    key: 'mlflowTrackingUri',
    backend: 'mlflow',
    label: 'MLflow tracking server',
    env: 'MLFLOW_TRACKING_URI',
    placeholder: 'https://mlflow.team.example',
    help: 'Without it, runs are tracked locally and pushed when a server is configured.',
  },
]

const SECRETS: { key: SecretKey; label: string; env: string }[] = [
  { key: 'mlflowToken', label: 'MLflow token', env: 'MLFLOW_TRACKING_TOKEN' },
  { key: 'mlflowPassword', label: 'MLflow password', env: 'MLFLOW_TRACKING_PASSWORD' },
  // filled when a Postgres / Redis URL is saved with its password (the URL is stored without it)
  { key: 'databasePassword', label: 'Postgres password', env: 'DATABASE_URL' },
  { key: 'redisPassword', label: 'Redis password', env: 'REDIS_URL' },
]

function ConnectionField({ api, def }: { api: ScorelineApi; def: (typeof CONNECTIONS)[number] }) {
  const { settings, save, saving } = useSettingsStore()
  const refreshInfo = useAppInfoStore((s) => s.refresh)
  const stored = settings?.[def.key] ?? ''
  const [value, setValue] = useState(stored)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const [testing, setTesting] = useState(false)
  const id = `setting-${def.key}`
  return (
    <div className="field">
      <label htmlFor={id}>{def.label}</label>
      <div className="field-row">
        <input
          id={id}
          type="url"
          value={value}
          placeholder={def.placeholder}
          onChange={(e) => setValue(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <button
          type="button"
          disabled={saving === def.key || value === stored}
          onClick={async () => {
            const error = await save(api, def.key, value.trim() === '' ? null : value.trim())
            setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Saved.' })
            if (!error) void refreshInfo(api)
          }}
        >
          Save
        </button>
        <button
          type="button"
          disabled={testing}
          onClick={async () => {
            setTesting(true)
            const result = await api.settings.testConnection({
              backend: def.backend,
              url: value.trim() || null,
            })
            setTesting(false)
            if (!result.ok) setMessage({ ok: false, text: result.error.message })
            else {
              const b = result.value
              setMessage(
                b.state === 'reachable'
                  ? { ok: true, text: `Reachable in ${b.latencyMs} ms — ${b.detail ?? ''}` }
                  : b.state === 'not-configured'
                    ? { ok: false, text: 'Nothing to test: type a URL first.' }
                    : { ok: false, text: `Unreachable (${b.target}): ${b.detail}` },
              )
            }
          }}
        >
          {testing ? 'Testing…' : 'Test'}
        </button>
      </div>
      <p className="muted small">
        {def.help} The environment variable <code>{def.env}</code> overrides this setting.
      </p>
      {message && (
        <p className={message.ok ? 'muted small' : 'error-panel'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </div>
  )
}

function SecretField({ api, def }: { api: ScorelineApi; def: (typeof SECRETS)[number] }) {
  const { secrets, saveSecret, saving } = useSettingsStore()
  const [value, setValue] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const id = `secret-${def.key}`
  const stored = secrets?.stored.includes(def.key)
  const fromEnv = secrets?.fromEnvironment.includes(def.key)
  return (
    <div className="field">
      <label htmlFor={id}>
        {def.label}{' '}
        <span className="muted small">
          {fromEnv ? `(from ${def.env})` : stored ? '(stored, encrypted)' : '(not set)'}
        </span>
      </label>
      <div className="field-row">
        <input
          id={id}
          type="password"
          value={value}
          autoComplete="off"
          disabled={!secrets?.available}
          onChange={(e) => setValue(e.target.value)}
        />
        <button
          type="button"
          disabled={!secrets?.available || value === '' || saving === def.key}
          onClick={async () => {
            const error = await saveSecret(api, def.key, value)
            setValue('')
            setMessage(error ? { ok: false, text: error.message } : { ok: true, text: 'Stored encrypted.' })
          }}
        >
          Store
        </button>
        {stored && (
          <button type="button" onClick={async () => void (await saveSecret(api, def.key, null))}>
            Forget
          </button>
        )}
      </div>
      {message && (
        <p className={message.ok ? 'muted small' : 'error-panel'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </div>
  )
}

export function SettingsPage({ api }: { api: ScorelineApi }) {
  const { settings, secrets, error, load, save } = useSettingsStore()
  useEffect(() => {
    void load(api)
  }, [api, load])
  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      {error && (
        <p role="alert" className="error-panel">
          {error.code}: {error.message}
        </p>
      )}
      {!settings && !error && <p className="muted">Loading…</p>}
      {settings && (
        <>
          <section className="panel" aria-labelledby="connections-title">
            <h2 id="connections-title">Connections</h2>
            {CONNECTIONS.map((def) => (
              // keyed by the stored value: a save elsewhere resets the field's draft
              <ConnectionField key={`${def.key}:${settings[def.key] ?? ''}`} api={api} def={def} />
            ))}
          </section>
          <section className="panel" aria-labelledby="secrets-title">
            <h2 id="secrets-title">Secrets</h2>
            {secrets && !secrets.available && (
              <p className="muted" data-testid="secrets-unavailable">
                {secrets.reason}
              </p>
            )}
            {SECRETS.map((def) => (
              <SecretField key={def.key} api={api} def={def} />
            ))}
          </section>
          <AppSettings api={api} />
          <section className="panel" aria-labelledby="appearance-title">
            <h2 id="appearance-title">Appearance</h2>
            <fieldset className="radio-row">
              <legend>Theme</legend>
              {(['system', 'light', 'dark'] as const).map((theme) => (
                <label key={theme}>
                  <input
                    type="radio"
                    name="theme"
                    value={theme}
                    checked={(settings.theme ?? 'system') === theme}
                    onChange={async () => {
                      applyTheme(theme)
                      await save(api, 'theme', theme)
                    }}
                  />
                  {theme === 'system' ? 'Follow the system' : theme[0].toUpperCase() + theme.slice(1)}
                </label>
              ))}
            </fieldset>
          </section>
        </>
      )}
    </section>
  )
}
