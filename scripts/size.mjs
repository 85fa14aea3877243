// `npm run size`: bundle a minimal app for each entry the way a user would (esbuild, minified), gzip -9
// it, print a table and fail when a budget is exceeded. React itself is external: we measure what we add.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const alias = {
  '@pkce-auth/core': `${root}packages/core/src/index.ts`,
  '@pkce-auth/react': `${root}packages/react/src/index.ts`,
}

const apps = [
  {
    name: 'core (sign-in, callback, token, sign-out)',
    budget: 9_500,
    format: 'esm',
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
    format: 'esm',
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
  {
    name: 'script tag (IIFE, window.PkceAuth)',
    budget: 10_000,
    format: 'iife',
    globalName: 'PkceAuth',
    code: `export { createAuthClient, AuthError } from '@pkce-auth/core'`,
  },
]

async function measure(app) {
  const result = await build({
    stdin: { contents: app.code, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: app.format,
    globalName: app.globalName,
    target: 'es2022',
    write: false,
    alias,
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'],
    logLevel: 'silent',
  })
  const bytes = result.outputFiles[0].contents
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

const rows = []
let failed = false
for (const app of apps) {
  const { min, gzip } = await measure(app)
  const ok = gzip <= app.budget
  failed ||= !ok
  rows.push({ entry: app.name, 'min (B)': min, 'min+gzip (B)': gzip, 'budget (B)': app.budget, ok: ok ? 'yes' : 'OVER' })
}
console.table(rows)
if (failed) {
  console.error('size: a budget is exceeded')
  process.exit(1)
}
