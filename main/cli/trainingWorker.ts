/**
 * Which file the CLI's training workers start. Run from the TypeScript sources (tests, `tsx`), the
 * training service's default applies (modelWorker.ts through tsx); the compiled CLI (compiled.ts) names
 * its bundled `modelWorker.js`, built from the same sources beside it.
 */
let workerPath: string | undefined

export function useTrainingWorker(path: string): void {
  workerPath = path
}

export function trainingWorkerPath(): string | undefined {
  return workerPath
}
