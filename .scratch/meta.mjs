import { build } from 'esbuild'
const root = process.argv[2]
const code = `import { createAuthClient } from '@pkce-auth/core'
const auth = createAuthClient({ issuer: 'https://auth.example', clientId: 'app', redirectUri: location.origin + '/callback' })
if (auth.isRedirectCallback()) await auth.handleRedirect()
document.querySelector('#in').onclick = () => auth.signIn()
document.querySelector('#out').onclick = () => auth.signOut()
console.log(await auth.getAccessToken())`
const r = await build({ stdin: { contents: code, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, metafile: true, alias: { '@pkce-auth/core': root + '/packages/core/src/index.ts' }, external: ['oauth4webapi', 'idb-keyval'], logLevel: 'silent' })
const out = Object.values(r.metafile.outputs)[0]
const rows = Object.entries(out.inputs).map(([f, v]) => [f.replace(/.*src\//, ''), v.bytesInOutput]).sort((a, b) => b[1] - a[1])
let t = 0; for (const [f, b] of rows) { t += b; console.log(String(b).padStart(6), f) } console.log(t)
