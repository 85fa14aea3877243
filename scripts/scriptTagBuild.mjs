// The script-tag build of the core: one IIFE file exposing `window.PkceAuth`, minified, with a source
// map and no `eval` (it runs under `Content-Security-Policy: script-src 'self'`). `npm run build`
// writes it, `npm run size` measures it and the playground serves it: all three the same file.
// Rolldown with its minifier (what Vite 8 builds with) makes it about 4% smaller than esbuild's.
import { build } from 'rolldown'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../packages/core/src/global.ts', import.meta.url))
// Where the file is written: the source map's paths are relative to it.
const dir = fileURLToPath(new URL('../packages/core/dist', import.meta.url))

/**
 * Property names only this file's own code reads, shortened by the minifier (~135 B gzipped): the
 * client's parts (`internals.ts`) and the methods of its session store, store, expiry, generation and
 * write gate. None is public API, kept in storage, posted to another tab, or read by name through a
 * string (the add-ons' hooks are, and are not here; the parts an add-on's `setup` gets are internal
 * API, see plugins.ts). test/node/scriptTag.test.ts checks that no public or stored type declares one
 * of them and that the file's exports work.
 */
export const internalNames = [
  'sessions', 'expiry', 'exchange', 'endpoint', 'readSession', 'exclusively', 'signOuts', 'renewal', 'inBrowser',
  'locked', 'adopt', 'save', 'movedSince', 'ticket', 'admit', 'listening', 'schedule', 'margin', 'fresh',
  'report', 'dispatch', 'previous', 'requested', 'beforeRetry',
]

/** Builds the script-tag file in memory: `{ js, map }` (the source map as JSON text). */
export async function buildScriptTag() {
  const { output } = await build({
    input: entry,
    write: false,
    platform: 'browser',
    transform: { target: 'es2022' },
    logLevel: 'warn',
    output: {
      format: 'iife',
      name: 'PkceAuth',
      dir,
      entryFileNames: 'pkce-auth.global.js',
      minify: { mangleProps: { include: new RegExp(`^(${internalNames.join('|')})$`) } },
      // No `/* @__PURE__ */` marks: they tell a bundler what it may drop, and this file is bundled no
      // further (17 of them, 38 B gzipped). Legal comments stay.
      comments: { annotation: false, legal: true },
      sourcemap: true,
    },
  })
  const [chunk] = output
  if (chunk?.type !== 'chunk' || !chunk.map) throw new Error('scriptTagBuild: rolldown produced no chunk with a source map')
  return { js: chunk.code, map: chunk.map.toString() }
}
