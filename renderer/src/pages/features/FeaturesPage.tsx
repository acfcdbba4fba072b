import { useEffect } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useFeatureStore } from '../../stores/featureStore'
import { LeaguePanel } from './LeaguePanel'
import { ReportsPanel } from './ReportsPanel'
import { StatsPanel } from './StatsPanel'
import { TeamPanel } from './TeamPanel'
import { ViewsPanel } from './ViewsPanel'

/**
 * Feature inspection: views and versions with their lineage, the store's figures, a league's teams
 * (table and chart), one team's features now and across versions, and the validation reports.
 */
export function FeaturesPage({ api }: { api: ScorelineApi }) {
  const {
    views,
    stats,
    reports,
    leagues,
    league,
    leagueTeams,
    team,
    teamDetail,
    rebuild,
    load,
    selectLeague,
    selectTeam,
    runRebuild,
    watch,
  } = useFeatureStore()

  useEffect(() => {
    void load(api)
    return watch(api)
  }, [api, load, watch])

  const anyVersion = (views.data ?? []).some((v) => v.versions.length > 0)
  const busy = views.loading || stats.loading

  return (
    <section className="page" aria-labelledby="features-title" aria-busy={busy || undefined}>
      <header className="page-header">
        <h1 id="features-title">Features</h1>
        <div className="fs-actions">
          <button type="button" onClick={() => void load(api)} disabled={busy}>
            {busy ? 'Loading…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void runRebuild(api)}
            disabled={rebuild.running || !!views.error}
            title="Rebuild team_ratings, team_form and match_probabilities (the fixtures to come, priced) from each league's champion model"
          >
            {rebuild.running ? 'Rebuilding…' : 'Rebuild from champions'}
          </button>
        </div>
      </header>

      {views.error && (
        <div role="alert" className="error-panel" data-testid="features-error">
          <p>
            {views.error.code}: {views.error.message}
          </p>
          {views.error.code === 'SERVICE_UNREACHABLE' && (
            <p>Check the Redis URL in Settings, or clear it to use the local feature store.</p>
          )}
        </div>
      )}
      {rebuild.error && (
        <p role="alert" className="error-panel" data-testid="rebuild-error">
          Rebuild failed — {rebuild.error.message}
        </p>
      )}
      {rebuild.result && (
        <p role="status" className="ok-panel" data-testid="rebuild-result">
          Rebuilt {rebuild.result.views.join(', ')} from{' '}
          {rebuild.result.champions.map((c) => `${c.league} v${c.modelVersion}`).join(', ')} in{' '}
          {(rebuild.result.ms / 1000).toFixed(2)} s
          {rebuild.result.skipped.length > 0 &&
            `; skipped ${rebuild.result.skipped.map((s) => s.league).join(', ')} (no champion)`}
          .
        </p>
      )}

      {views.loading && !views.data && !views.error && (
        <p className="muted" data-testid="features-loading">
          Loading the feature store…
        </p>
      )}

      {views.data && !anyVersion && (
        <div className="empty-state fs-empty" data-testid="features-empty">
          <p>
            <strong>No features yet.</strong> A pipeline run that promotes a champion model builds
            team_ratings and team_form (Training screen, or <code>scoreline pipeline run</code>).
          </p>
          <p className="muted">
            With a champion already registered, <em>Rebuild from champions</em> (or{' '}
            <code>scoreline features rebuild</code>) builds them now.
          </p>
        </div>
      )}

      {stats.data && <StatsPanel stats={stats.data} />}
      {stats.error && !views.error && (
        <p role="alert" className="error-panel">
          Store figures unavailable — {stats.error.message}
        </p>
      )}

      {views.data && anyVersion && (
        <LeaguePanel
          league={league}
          leagues={leagues}
          views={views.data}
          reads={leagueTeams.data}
          loading={leagueTeams.loading}
          selectedTeam={team}
          onLeague={(l) => void selectLeague(api, l)}
          onTeam={(t) => void selectTeam(api, t)}
        />
      )}
      {leagueTeams.error && (
        <p role="alert" className="error-panel">
          {leagueTeams.error.code}: {leagueTeams.error.message}
        </p>
      )}

      {team && teamDetail.loading && !teamDetail.data && <p className="muted">Loading {team}…</p>}
      {teamDetail.error && (
        <p role="alert" className="error-panel">
          {teamDetail.error.code}: {teamDetail.error.message}
        </p>
      )}
      {views.data && teamDetail.data && (
        <TeamPanel detail={teamDetail.data} views={views.data} loading={teamDetail.loading} />
      )}

      {views.data && <ViewsPanel views={views.data} stats={stats.data} />}

      {reports.data && <ReportsPanel reports={reports.data} />}
      {reports.error && !views.error && (
        <p role="alert" className="error-panel">
          Validation reports unavailable — {reports.error.message}
        </p>
      )}
    </section>
  )
}
