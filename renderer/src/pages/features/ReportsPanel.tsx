import { useState } from 'react'
import type { ValidationReportDto } from '../../stores/featureStore'
import { fmtTime } from './format'

/** Validation reports of recent writes; a report with rejected rows opens to show which and why. */
export function ReportsPanel({ reports }: { reports: ValidationReportDto[] }) {
  const [open, setOpen] = useState<string | null>(null)
  return (
    <section className="panel" aria-labelledby="fs-reports-title" data-testid="validation-reports">
      <h2 id="fs-reports-title">Validation reports</h2>
      {reports.length === 0 ? (
        <p className="muted">No write has been validated yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">View</th>
                <th scope="col">Policy</th>
                <th scope="col">Rows</th>
                <th scope="col">Accepted</th>
                <th scope="col">Rejected</th>
                <th scope="col">Written</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <ReportRow
                  key={r.id}
                  report={r}
                  open={open === r.id}
                  toggle={() => setOpen(open === r.id ? null : r.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function ReportRow({
  report: r,
  open,
  toggle,
}: {
  report: ValidationReportDto
  open: boolean
  toggle: () => void
}) {
  return (
    <>
      <tr data-testid="report-row">
        <td>{fmtTime(r.at)}</td>
        <td>
          <code>
            {r.view}@{r.version}
          </code>
        </td>
        <td>{r.policy}</td>
        <td className="num">{r.total}</td>
        <td className="num">{r.accepted}</td>
        <td className={`num${r.rejected > 0 ? ' bad' : ''}`}>
          {r.rejected > 0 ? (
            <button type="button" className="link" aria-expanded={open} onClick={toggle}>
              {r.rejected} — {open ? 'hide' : 'why?'}
            </button>
          ) : (
            0
          )}
        </td>
        <td>{r.written ? 'yes' : r.policy === 'strict' && r.rejected > 0 ? 'no — batch refused' : 'no'}</td>
        <td>{r.writtenBy}</td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={8}>
            <ul className="fs-failures">
              {r.failures.map((f) => (
                <li key={`${f.league}:${f.entity}`}>
                  <strong>
                    {f.league} {f.entity}
                  </strong>
                  : {f.issues.map((i) => i.message).join('; ')}
                </li>
              ))}
              {r.rejected > r.failures.length && (
                <li className="muted">… and {r.rejected - r.failures.length} more rows</li>
              )}
            </ul>
          </td>
        </tr>
      )}
    </>
  )
}
