import { PAGES, type PageId } from '../stores/navigationStore'

/** An honest empty page for a screen that is not built yet: it says what will be here. */
export function UpcomingPage({ page }: { page: PageId }) {
  const def = PAGES.find((p) => p.id === page)!
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{def.label}</h1>
      </header>
      <div className="empty-state">
        <p>{def.summary}</p>
        <p className="muted">This screen is not built yet in this version of Scoreline.</p>
      </div>
    </section>
  )
}
