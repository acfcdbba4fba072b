import { create } from 'zustand'

export const PAGES = [
  {
    id: 'dashboard',
    label: 'Dashboard',
    summary: 'Champion models, data freshness and backend status at a glance.',
  },
  { id: 'data', label: 'Data', summary: 'Leagues and seasons, CSV imports, downloads and Postgres sync.' },
  {
    id: 'training',
    label: 'Training',
    summary: 'Run the weekly pipeline, follow each step live, edit the schedule.',
  },
  { id: 'experiments', label: 'Experiments', summary: 'Compare tracked runs side by side.' },
  { id: 'models', label: 'Models', summary: 'Registered model versions, aliases and promotions.' },
  {
    id: 'features',
    label: 'Features',
    summary: 'Inspect team and match features served from the feature store.',
  },
  {
    id: 'fixtures',
    label: 'Fixtures',
    summary: 'The fixtures to come, priced with the champions: model, market, served and the edge.',
  },
  {
    id: 'jackpots',
    label: 'Jackpots',
    summary: 'Build a ticket, see every probability and where it comes from.',
  },
  { id: 'health', label: 'Model health', summary: 'Calibration, drift and performance against the market.' },
  {
    id: 'settings',
    label: 'Settings',
    summary: 'Connections to Postgres, Redis and MLflow, secrets and theme.',
  },
] as const

export type PageId = (typeof PAGES)[number]['id']

function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[?&]/)[0]
  return (PAGES.find((p) => p.id === id)?.id ?? 'dashboard') as PageId
}

export interface NavigationState {
  page: PageId
  go(page: PageId): void
}

/** The current page, mirrored in location.hash so reloads and links keep their place. */
export const useNavigationStore = create<NavigationState>((set) => ({
  page: typeof window === 'undefined' ? 'dashboard' : pageFromHash(window.location.hash),
  go(page) {
    if (typeof window !== 'undefined' && pageFromHash(window.location.hash) !== page) {
      window.history.replaceState(null, '', `#/${page}`)
    }
    set({ page })
  },
}))

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () =>
    useNavigationStore.setState({ page: pageFromHash(window.location.hash) }),
  )
}
