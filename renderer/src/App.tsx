import { useEffect } from 'react'
import type { ScorelineApi } from '../../shared/api/contract'
import { PAGES, useNavigationStore } from './stores/navigationStore'
import { useAppInfoStore } from './stores/appInfoStore'
import { DashboardPage } from './pages/DashboardPage'
import { DataPage } from './pages/data/DataPage'
import { SettingsPage } from './pages/SettingsPage'
import { JackpotsPage } from './pages/jackpots/JackpotsPage'
import { FixturesPage } from './pages/fixtures/FixturesPage'
import { TrainingPage } from './pages/training/TrainingPage'
import { applyTheme } from './stores/settingsStore'
import { UpcomingPage } from './pages/UpcomingPage'
import { FeaturesPage } from './pages/features/FeaturesPage'
import { ModelsPage } from './pages/models/ModelsPage'
import { ExperimentsPage } from './pages/experiments/ExperimentsPage'
import { HealthPage } from './pages/health/HealthPage'

export function App({ api }: { api: ScorelineApi }) {
  const { page, go } = useNavigationStore()
  const info = useAppInfoStore((s) => s.info)
  const refresh = useAppInfoStore((s) => s.refresh)

  useEffect(() => {
    void refresh(api) // the sidebar's status dots and version, whichever page opens first
    void api.settings.get().then((r) => r.ok && applyTheme(r.value.theme))
    return api.on('app.backendStatus', () => void refresh(api))
  }, [api, refresh])

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Scoreline{info && <span className="brand-version">{info.version}</span>}</div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a
                href={`#/${p.id}`}
                aria-current={page === p.id ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  go(p.id)
                }}
              >
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        {info && (
          <ul className="status-dots" aria-label="Backend status">
            {info.backends.map((b) => (
              <li key={b.name} title={`${b.name}: ${b.state}${b.detail ? ` — ${b.detail}` : ''}`}>
                <span className={`dot dot-${b.state}`} aria-hidden="true" /> {b.name}
              </li>
            ))}
          </ul>
        )}
      </nav>
      <main className="content">
        {page === 'dashboard' ? (
          <DashboardPage api={api} />
        ) : page === 'data' ? (
          <DataPage api={api} />
        ) : page === 'training' ? (
          <TrainingPage api={api} />
        ) : page === 'fixtures' ? (
          <FixturesPage api={api} />
        ) : page === 'jackpots' ? (
          <JackpotsPage api={api} />
        ) : page === 'models' ? (
          <ModelsPage api={api} />
        ) : page === 'experiments' ? (
          <ExperimentsPage api={api} />
        ) : page === 'features' ? (
          <FeaturesPage api={api} />
        ) : page === 'health' ? (
          <HealthPage api={api} />
        ) : page === 'settings' ? (
          <SettingsPage api={api} />
        ) : (
          <UpcomingPage page={page} />
        )}
      </main>
    </div>
  )
}
