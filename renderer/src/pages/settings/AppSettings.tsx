import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'
import type {
  blendTypeSchema,
  calibrationMethodSchema,
  marginMethodSchema,
} from '../../../../shared/api/domains/app'
import { SETTING_LIMITS, type EffectiveSettings, type SettingKey } from '../../../../shared/api/domains/app'
import { useSettingsStore } from '../../stores/settingsStore'
import { useAppInfoStore } from '../../stores/appInfoStore'

type Schedule = ProcedureOutput<'training.schedule'>
type Message = { ok: boolean; text: string } | null

const SOURCE: Record<EffectiveSettings['offline']['source'], string> = {
  flag: 'from the command line',
  environment: 'from the environment',
  setting: 'saved here',
  default: 'default',
}

const MARGIN_LABELS: Record<(typeof marginMethodSchema.options)[number], string> = {
  multiplicative: 'Multiplicative (proportional)',
  additive: 'Additive (equal)',
  power: 'Power',
  shin: 'Shin (insider trading)',
}
const BLEND_LABELS: Record<(typeof blendTypeSchema.options)[number], string> = {
  log: 'Logarithmic pool (geometric)',
  linear: 'Linear pool (weighted average)',
}
const CALIBRATION_LABELS: Record<(typeof calibrationMethodSchema.options)[number], string> = {
  temperature: 'Temperature scaling',
  isotonic: 'Isotonic regression',
  none: 'None',
}
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

function Source({ entry }: { entry: { source: keyof typeof SOURCE; variable: string | null } }) {
  return (
    <span className="muted small">
      {' '}
      ({SOURCE[entry.source]}
      {entry.source === 'environment' && entry.variable ? `: ${entry.variable}` : ''})
    </span>
  )
}

function Feedback({ message }: { message: Message }) {
  if (!message) return null
  return (
    <p className={message.ok ? 'muted small' : 'error-panel'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  )
}

function Field({
  id,
  label,
  children,
  help,
}: {
  id: string
  label: ReactNode
  children: ReactNode
  help?: ReactNode
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">{children}</div>
      {help && <p className="muted small">{help}</p>}
    </div>
  )
}

/** A numeric setting within SETTING_LIMITS: the value as typed, saved with its button once it differs. */
function NumberSetting({
  settingKey,
  label,
  entry,
  help,
  step,
  width,
  saved,
  store,
}: {
  settingKey: keyof typeof SETTING_LIMITS
  label: string
  entry: EffectiveSettings[keyof typeof SETTING_LIMITS]
  help: string
  step: number
  width: number
  /** The confirmation shown once saved. */
  saved: string
  store: Store
}) {
  const [value, setValue] = useState(String(entry.value))
  const { min, max } = SETTING_LIMITS[settingKey]
  const id = `setting-${settingKey}`
  return (
    <Field
      id={id}
      label={
        <>
          {label} <Source entry={entry} />
        </>
      }
      help={help}
    >
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        style={{ maxWidth: width }}
        onChange={(e) => setValue(e.target.value)}
      />
      <button
        type="button"
        disabled={value === String(entry.value)}
        onClick={() => void store(settingKey, value, saved)}
      >
        Save
      </button>
    </Field>
  )
}

/** A weekly cron ("M H * * D") as day and time, or null for any other expression. */
export function weeklyOf(cron: string): { day: number; time: string } | null {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* ([0-7])$/.exec(cron.trim())
  if (!m) return null
  const [minute, hour, day] = [Number(m[1]), Number(m[2]), Number(m[3]) % 7]
  if (minute > 59 || hour > 23) return null
  return { day, time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` }
}

export function weeklyCron(day: number, time: string): string {
  const [h, m] = time.split(':').map(Number)
  return `${m} ${h} * * ${day}`
}

/**
 * Data folder, training schedule and workers, modelling defaults and offline mode: each saved through
 * `settings.set` (validated in the main process) and shown with where the value in effect comes from.
 */
export function AppSettings({ api }: { api: ScorelineApi }) {
  const { save } = useSettingsStore()
  const refreshInfo = useAppInfoStore((s) => s.refresh)
  const [effective, setEffective] = useState<EffectiveSettings | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [messages, setMessages] = useState<Record<string, Message>>({})
  const reload = useCallback(async () => {
    const result = await api.settings.effective()
    if (result.ok) {
      setEffective(result.value)
      setError(null)
    } else setError(result.error.message)
  }, [api])
  useEffect(() => {
    let live = true
    void api.settings.effective().then((result) => {
      if (!live) return
      if (result.ok) setEffective(result.value)
      else setError(result.error.message)
    })
    return () => {
      live = false
    }
  }, [api])

  const store = async (key: SettingKey, value: string | null, ok: string) => {
    const failure = await save(api, key, value)
    setMessages((m) => ({
      ...m,
      [key]: failure ? { ok: false, text: failure.message } : { ok: true, text: ok },
    }))
    await reload()
    if (!failure && key === 'offline') void refreshInfo(api)
    return !failure
  }

  if (error)
    return (
      <p role="alert" className="error-panel">
        {error}
      </p>
    )
  if (!effective) return <p className="muted">Loading…</p>
  return (
    <>
      <OfflineSection effective={effective} message={messages.offline ?? null} store={store} />
      <DataFolderSection effective={effective} message={messages.dataDir ?? null} store={store} />
      <TrainingSection api={api} effective={effective} message={messages.workers ?? null} store={store} />
      <ModellingSection effective={effective} messages={messages} store={store} />
    </>
  )
}

type Store = (key: SettingKey, value: string | null, ok: string) => Promise<boolean>

function OfflineSection({
  effective,
  message,
  store,
}: {
  effective: EffectiveSettings
  message: Message
  store: Store
}) {
  const offline = effective.offline
  const [pending, setPending] = useState<boolean | null>(null)
  const locked = offline.source === 'environment' || offline.source === 'flag'
  return (
    <section className="panel" aria-labelledby="offline-title">
      <h2 id="offline-title">Offline mode</h2>
      <label>
        <input
          type="checkbox"
          checked={pending ?? offline.value}
          disabled={locked || pending !== null}
          onChange={async (e) => {
            const on = e.target.checked
            setPending(on) // shown at once; the stored value follows
            await store('offline', on ? 'true' : 'false', on ? 'Offline mode is on.' : 'Offline mode is off.')
            setPending(null)
          }}
        />{' '}
        Never touch the network
        <Source entry={offline} />
      </label>
      <p className="muted small" data-testid="offline-state">
        {offline.value
          ? 'Offline mode is on: downloads, Postgres sync, MLflow and Redis are not contacted; data, runs and features use the local stores in the data folder.'
          : 'Scoreline contacts the services configured above when it needs them.'}
        {locked ? ` ${offline.variable ?? 'The environment'} decides this; unset it to choose here.` : ''}
      </p>
      {/* success is already said by the text above; only a refusal needs saying */}
      <Feedback message={message && !message.ok ? message : null} />
    </section>
  )
}

function DataFolderSection({
  effective,
  message,
  store,
}: {
  effective: EffectiveSettings
  message: Message
  store: Store
}) {
  const dir = effective.dataDir
  const [draft, setDraft] = useState(dir.pending ?? '')
  return (
    <section className="panel" aria-labelledby="data-folder-title">
      <h2 id="data-folder-title">Data folder</h2>
      <p>
        In use: <code data-testid="data-folder">{dir.value}</code>
        <Source entry={dir} />
      </p>
      {dir.pending && (
        <p className="attention small" data-testid="data-folder-pending">
          Next start: <code>{dir.pending}</code> (takes effect after restart).
        </p>
      )}
      <Field
        id="setting-dataDir"
        label="New data folder"
        help={
          <>
            An absolute path. <strong>Takes effect after restart</strong>: the app database, tracking and
            feature stores and logs then live there (nothing is moved; copy the folder first to keep your
            data).
            {dir.source === 'environment' ? ' SCORELINE_HOME is set and overrides this setting.' : ''}
          </>
        }
      >
        <input
          id="setting-dataDir"
          value={draft}
          placeholder={dir.value}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
        />
        <button
          type="button"
          disabled={draft.trim() === '' || draft.trim() === (dir.pending ?? dir.value)}
          onClick={() =>
            void store('dataDir', draft.trim(), 'Saved: the new folder is used after a restart.')
          }
        >
          Save
        </button>
        {dir.pending && (
          <button
            type="button"
            onClick={async () => {
              if (await store('dataDir', null, 'The default folder is used after a restart.')) setDraft('')
            }}
          >
            Use default
          </button>
        )}
      </Field>
      <Feedback message={message} />
    </section>
  )
}

function TrainingSection({
  api,
  effective,
  message,
  store,
}: {
  api: ScorelineApi
  effective: EffectiveSettings
  message: Message
  store: Store
}) {
  const [schedule, setSchedule] = useState<Schedule | null>(null)
  const [scheduleMessage, setScheduleMessage] = useState<Message>(null)
  const [draft, setDraft] = useState<{ day: number; time: string; cron: string } | null>(null)
  useEffect(() => {
    void api.training.schedule({}).then((r) => {
      if (r.ok) setSchedule(r.value)
      else setScheduleMessage({ ok: false, text: r.error.message })
    })
  }, [api])
  const weekly = schedule ? weeklyOf(schedule.cron) : null
  const current = draft ?? {
    day: weekly?.day ?? 1,
    time: weekly?.time ?? '06:00',
    cron: schedule?.cron ?? '0 6 * * 1',
  }
  const update = async (change: { cron?: string; enabled?: boolean }) => {
    const r = await api.training.schedule(change)
    if (r.ok) {
      setSchedule(r.value)
      setDraft(null)
      setScheduleMessage({
        ok: true,
        text: `Saved: ${r.value.enabled ? r.value.description : 'schedule off'}.`,
      })
    } else setScheduleMessage({ ok: false, text: r.error.message })
  }
  const { min, max } = SETTING_LIMITS.workers
  return (
    <section className="panel" aria-labelledby="training-settings-title">
      <h2 id="training-settings-title">Training</h2>
      {schedule && (
        <>
          <p data-testid="schedule-description">
            Weekly pipeline: <strong>{schedule.enabled ? schedule.description : 'off'}</strong>
            {schedule.enabled && schedule.nextRunAt !== null && (
              <span className="muted small"> · next run {new Date(schedule.nextRunAt).toLocaleString()}</span>
            )}
          </p>
          <div className="field">
            <label>
              <input
                type="checkbox"
                checked={schedule.enabled}
                onChange={(e) => void update({ enabled: e.target.checked })}
              />{' '}
              Run the pipeline on a schedule (desktop app)
            </label>
          </div>
          <div className="field-row" style={{ alignItems: 'end', flexWrap: 'wrap', marginBottom: 16 }}>
            <label className="block">
              Day
              <select
                value={current.day}
                onChange={(e) => {
                  const day = Number(e.target.value)
                  setDraft({ ...current, day, cron: weeklyCron(day, current.time) })
                }}
              >
                {DAYS.map((d, i) => (
                  <option key={d} value={i}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label className="block">
              Time (local)
              <input
                type="time"
                value={current.time}
                onChange={(e) =>
                  e.target.value &&
                  setDraft({
                    ...current,
                    time: e.target.value,
                    cron: weeklyCron(current.day, e.target.value),
                  })
                }
              />
            </label>
            <label className="block">
              Cron expression
              <input
                value={current.cron}
                spellCheck={false}
                style={{ width: 140 }}
                onChange={(e) => setDraft({ ...current, cron: e.target.value })}
              />
            </label>
            <button
              type="button"
              disabled={!draft || draft.cron.trim() === schedule.cron}
              onClick={() => void update({ cron: current.cron.trim() })}
            >
              Save schedule
            </button>
          </div>
        </>
      )}
      <Feedback message={scheduleMessage} />
      <NumberSetting
        settingKey="workers"
        label="Worker threads"
        entry={effective.workers}
        help={`Threads the pipeline fits models on (${min}–${max}). Takes effect after restart: the running pool has ${effective.workers.running}.`}
        step={1}
        width={100}
        saved="Saved: used from the next start."
        store={store}
      />
      <Feedback message={message} />
    </section>
  )
}

function ModellingSection({
  effective,
  messages,
  store,
}: {
  effective: EffectiveSettings
  messages: Record<string, Message>
  store: Store
}) {
  const select = <K extends 'marginMethod' | 'blendType' | 'calibrationMethod'>(
    key: K,
    label: string,
    labels: Record<string, string>,
    help: string,
  ) => (
    <>
      <Field
        id={`setting-${key}`}
        label={
          <>
            {label} <Source entry={effective[key]} />
          </>
        }
        help={help}
      >
        <select
          id={`setting-${key}`}
          value={effective[key].value}
          onChange={(e) => void store(key, e.target.value, `Saved: ${labels[e.target.value]}.`)}
        >
          {Object.entries(labels).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </Field>
      <Feedback message={messages[key] ?? null} />
    </>
  )
  const { min, max } = SETTING_LIMITS.promotionMargin
  return (
    <section className="panel" aria-labelledby="modelling-title">
      <h2 id="modelling-title">Modelling defaults</h2>
      <p className="muted small">
        Used by the next pipeline run, its walk-forward evaluation, and jackpot fixtures priced before a
        champion exists (a champion keeps the settings it was trained with).
      </p>
      {select(
        'marginMethod',
        'Margin method',
        MARGIN_LABELS,
        'How the bookmaker margin is removed from odds.',
      )}
      {select('blendType', 'Blend type', BLEND_LABELS, 'How model and market probabilities are pooled.')}
      {select(
        'calibrationMethod',
        'Calibration method',
        CALIBRATION_LABELS,
        'Post-hoc calibration of the blended probabilities.',
      )}
      <NumberSetting
        settingKey="promotionMargin"
        label="Promotion margin"
        entry={effective.promotionMargin}
        help={`A challenger is promoted only when its RPS beats the champion's by at least this much (${min}–${max}).`}
        step={0.0005}
        width={120}
        saved="Saved: used by the next pipeline run."
        store={store}
      />
      <Feedback message={messages.promotionMargin ?? null} />
    </section>
  )
}
