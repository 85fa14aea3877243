// `npm run size`: bundle a minimal app for each entry the way a user would, minified, gzip -9 it, print
// a table and fail when a budget is exceeded. Apps are bundled twice, with esbuild and with rolldown (what
// Vite 8 builds with), and the larger figure is checked. The script tag is the file `npm run build` ships.
// React itself is external: we measure what we add.
import { build } from 'esbuild'
import { build as rolldown } from 'rolldown'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { buildScriptTag } from './scriptTagBuild.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const alias = {
  '@pkce-auth/core': `${root}packages/core/src/index.ts`,
  '@pkce-auth/react': `${root}packages/react/src/index.ts`,
}

const apps = [
  {
    name: 'core (sign-in, callback, token, sign-out)',
    budget: 9_500,
    code: `import { createAuthClient } from '@pkce-auth/core'
const auth = createAuthClient({ issuer: 'https://auth.example', clientId: 'app', redirectUri: location.origin + '/callback' })
if (auth.isRedirectCallback()) await auth.handleRedirect()
document.querySelector('#in').onclick = () => auth.signIn()
document.querySelector('#out').onclick = () => auth.signOut()
console.log(await auth.getAccessToken())`,
  },
  {
    name: 'core + react (provider, useAuth)',
    budget: 10_500,
    code: `import { createElement } from 'react'
import { createRoot } from 'react-dom/client'
import { AuthProvider, useAuth } from '@pkce-auth/react'
function App() {
  const auth = useAuth()
  return auth.isSignedIn ? createElement('button', { onClick: () => auth.signOut() }, 'Sign out')
    : createElement('button', { onClick: () => auth.signIn() }, 'Sign in')
}
createRoot(document.body).render(createElement(AuthProvider, { issuer: 'https://auth.example', clientId: 'app', redirectUri: location.origin + '/callback' }, createElement(App)))`,
  },
]
const external = ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client']
const gzip = (code) => gzipSync(code, { level: 9 }).length

async function withEsbuild(app) {
  const result = await build({
    stdin: { contents: app.code, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    alias,
    external,
    logLevel: 'silent',
  })
  return result.outputFiles[0].contents
}

async function withRolldown(app) {
  const { output } = await rolldown({
    input: 'app',
    write: false,
    platform: 'browser',
    external,
    resolve: { alias },
    logLevel: 'silent',
    plugins: [{ name: 'app', resolveId: (id) => (id === 'app' ? id : null), load: (id) => (id === 'app' ? app.code : null) }],
    output: { format: 'esm', minify: true },
  })
  return output[0].code
}

const rows = []
let failed = false
const row = (entry, budget, sizes) => {
  const worst = Math.max(...Object.values(sizes).filter((size) => typeof size == 'number'))
  const ok = worst <= budget
  failed ||= !ok
  rows.push({ entry, ...sizes, 'budget (B)': budget, ok: ok ? 'yes' : 'OVER' })
}
for (const app of apps) {
  row(app.name, app.budget, {
    'esbuild (B)': gzip(await withEsbuild(app)),
    'rolldown (B)': gzip(await withRolldown(app)),
  })
}
// Built with rolldown; esbuild would make it about 4% larger.
row('script tag (pkce-auth.global.js, as shipped)', 10_000, { 'esbuild (B)': '-', 'rolldown (B)': gzip((await buildScriptTag()).js) })
console.log('min+gzip (gzip -9) of each minified bundle, in bytes')
console.table(rows)
if (failed) {
  console.error('size: a budget is exceeded')
  process.exit(1)
}
