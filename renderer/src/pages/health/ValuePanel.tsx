import type { ValuePanelDto } from '../../../../shared/api/domains/health'
import { valueClvText, valueFlatText, valueKellyText, valueScope } from '../../../../shared/valueReport'

/**
 * "Does the edge pay?" (#22 §3): the champion model's edges over Pinnacle's pre-match price bet 1 unit each,
 * with the ROI interval, how often the price beat Pinnacle's close and a fractional Kelly line.
 */
export function ValuePanel({ value }: { value: ValuePanelDto | null }) {
  const v = value ? { ...value, forecast: value.forecastLabel } : null
  return (
    <section className="panel" aria-labelledby="value-title" data-testid="health-value">
      <h2 id="value-title">Does the edge pay?</h2>
      {!v ? (
        <p className="muted" data-testid="health-value-empty">
          No evaluated match has Pinnacle&apos;s pre-match price (PSH/PSD/PSA): import season files with it to
          see whether the model&apos;s edges pay.
        </p>
      ) : (
        <>
          <p data-testid="health-value-headline">
            {valueScope(v)}: <strong>{valueFlatText(v)}</strong>; {valueClvText(v)}
          </p>
          <p className="muted" data-testid="health-value-kelly">
            {valueKellyText(v)}. A bet when the model&apos;s probability beats the price&apos;s implied
            probability 1/price (margin included) by {+(100 * v.minEdge).toFixed(2)} points; ROI interval{' '}
            {Math.round(100 * v.bootstrap.level)} % from {v.bootstrap.resamples} resamples of the bet dates.
            The model alone is judged: the served forecast leans on {v.closing}, which a bettor at the
            pre-match price does not have.
          </p>
        </>
      )}
    </section>
  )
}
