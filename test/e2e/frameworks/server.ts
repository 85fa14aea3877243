// Builds a framework's end-to-end app with esbuild (the packages from their sources, Svelte components
// compiled by svelte/compiler) and serves it on 127.0.0.1: every path that is not a file is the app.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Plugin } from 'esbuild'
import { compile } from 'svelte/compiler'

const source = (path: string) => fileURLToPath(new URL(`../../../packages/${path}`, import.meta.url))
const alias = {
  '@pkce-auth/core': source('core/src/index.ts'),
  '@pkce-auth/vue': source('vue/src/index.ts'),
  '@pkce-auth/svelte': source('svelte/src/index.ts'),
}

const svelteComponents: Plugin = {
  name: 'svelte',
  setup(build) {
    build.onLoad({ filter: /\.svelte$/ }, ({ path }) => ({
      contents: compile(readFileSync(path, 'utf8'), { filename: path, generate: 'client' }).js.code,
      loader: 'js',
    }))
  },
}

/** A served app: its origin and how to stop it. */
export interface FrameworkApp {
  url: string
  close(): Promise<void>
}

/** Builds `entry` (a file beside this one) and serves it as a single-page app. */
export async function serveApp(entry: 'vueApp.ts' | 'svelteApp.ts'): Promise<FrameworkApp> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    alias,
    conditions: ['browser', 'production'],
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    plugins: [svelteComponents],
    logLevel: 'warning',
  })
  const js = result.outputFiles[0]!.contents
  const html = '<!doctype html><html><body><div id="app"></div><script type="module" src="/app.js"></script></body></html>'
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (pathname === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
