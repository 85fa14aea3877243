// The packages' `dist`, built by `npm run build`: CI builds them (`npm run check:packages`) before
// `npm test`, and a test that reads them builds first when they are missing or older than a source,
// so `npm test` alone in a fresh clone, or after an edit, checks what the sources build to.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** The repository's root folder. */
export const root = fileURLToPath(new URL('../../', import.meta.url))

/** The published packages, in build order. */
export const packageNames = ['core', 'react', 'vue', 'svelte', 'telnyx', 'mock-server'] as const

/** What `npm run build` writes; all must exist and be newer than every input. */
const outputs = [
  ...packageNames.flatMap((name) => [`packages/${name}/dist/index.js`, `packages/${name}/dist/index.d.ts`]),
  'packages/core/dist/pkce-auth.global.js',
  'packages/core/dist/pkce-auth.global.d.ts',
]

function* files(path: string): Generator<string> {
  if (!statSync(path).isDirectory()) yield path
  else for (const entry of readdirSync(path)) yield* files(join(path, entry))
}

function newestInput(): number {
  const inputs = [
    ...packageNames.flatMap((name) => [`packages/${name}/src`, `packages/${name}/package.json`]),
    'scripts/build.mjs',
    'scripts/scriptTagBuild.mjs',
    'tsconfig.json',
  ]
  let newest = 0
  for (const input of inputs) for (const file of files(join(root, input))) newest = Math.max(newest, statSync(file).mtimeMs)
  return newest
}

/** Whether `dist` is missing or older than a source file or the build script. */
export function isBuildStale(): boolean {
  const paths = outputs.map((output) => join(root, output))
  if (!paths.every((path) => existsSync(path))) return true
  const oldest = Math.min(...paths.map((path) => statSync(path).mtimeMs))
  return oldest < newestInput()
}

let building: Promise<void> | undefined

/** Runs `npm run build` (once per process) when {@link isBuildStale}. */
export function ensureBuilt(): Promise<void> {
  building ??= isBuildStale()
    ? promisify(execFile)(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root }).then(() => {})
    : Promise.resolve()
  return building
}
