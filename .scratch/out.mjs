import { build } from 'esbuild'
const root = process.argv[2]
const code = `import { createAuthClient } from '@pkce-auth/core'
const auth = createAuthClient({ issuer: 'https://auth.example', clientId: 'app', redirectUri: location.origin + '/callback' })
if (auth.isRedirectCallback()) await auth.handleRedirect()
document.querySelector('#in').onclick = () => auth.signIn()
document.querySelector('#out').onclick = () => auth.signOut()
console.log(await auth.getAccessToken())`
const r = await build({ stdin: { contents: code, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, alias: { '@pkce-auth/core': root + '/packages/core/src/index.ts' }, external: ['oauth4webapi', 'idb-keyval'], logLevel: 'silent' })
process.stdout.write(r.outputFiles[0].text)
