import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
const root = '/work/wt-split/'
const code = `import { createAuthClient } from '@pkce-auth/core'
const auth = createAuthClient({ issuer: 'https://auth.example', clientId: 'app', redirectUri: location.origin + '/callback' })
if (auth.isRedirectCallback()) await auth.handleRedirect()
document.querySelector('#in').onclick = () => auth.signIn()
document.querySelector('#out').onclick = () => auth.signOut()
console.log(await auth.getAccessToken())`
for (const [label, extra, external] of [['all', {}, []], ['ours only', {}, ['oauth4webapi', 'idb-keyval']], ['ours mangled', { mangleProps: new RegExp(process.argv[2] ?? '^$') }, ['oauth4webapi', 'idb-keyval']]]) {
  const r = await build({ stdin: { contents: code, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, alias: { '@pkce-auth/core': root + 'packages/core/src/index.ts' }, external, logLevel: 'silent', ...extra })
  console.log(label, gzipSync(r.outputFiles[0].contents, { level: 9 }).length)
}
