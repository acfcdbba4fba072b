/**
 * Worker entry for the pool's own tests: the model job kinds plus misbehaving ones (spin, throw, exit,
 * memory hog) that let tests provoke every failure mode.
 */
import { serveJobs, type JobContext } from '../workerRuntime'
import { modelJobHandlers } from '../modelJobs'

function spinFor(ms: number) {
  const end = performance.now() + ms
  let x = 0
  while (performance.now() < end) x += Math.sqrt(x + 1)
  return x
}

serveJobs({
  ...modelJobHandlers,
  echo: (payload: unknown) => payload,
  /** Busy work in `steps` chunks of `stepMs`, checking the cancel flag between chunks when `cooperative`. */
  spin: (p: { steps: number; stepMs: number; cooperative: boolean }, ctx: JobContext) => {
    for (let i = 0; i < p.steps; i++) {
      if (p.cooperative) ctx.checkCancelled()
      spinFor(p.stepMs)
      ctx.progress({ stage: 'spin', fraction: (i + 1) / p.steps, message: `step ${i + 1}` })
    }
    return { steps: p.steps }
  },
  throwInJob: (p: { message: string }) => {
    throw Object.assign(new Error(p.message), { code: 'TEST_FAILURE' })
  },
  throwOutside: (p: { message: string }) => {
    setTimeout(() => {
      throw new Error(p.message)
    }, 0)
    return new Promise(() => {})
  },
  exit: (p: { code: number }) => {
    process.exit(p.code)
  },
  hogMemory: () => {
    const keep: number[][] = []
    for (;;) keep.push(new Array(1_000_000).fill(Math.random()))
  },
  sumTyped: (p: { values: Float64Array }) => {
    let s = 0
    for (const v of p.values) s += v
    return { sum: s, isTyped: p.values instanceof Float64Array }
  },
})
