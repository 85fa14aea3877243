#!/usr/bin/env node
// The local authorization server for the playground and manual testing. Installed, it runs the built
// package (dist/). In a clone with no build, it runs the TypeScript sources through tsx, the repo's own
// loader, so `npx pkce-auth-mock-server` works right after `npm install`; under `node --import tsx`
// (`npm run dev`) it always runs the sources, so a stale build is never what you are testing.
import { existsSync } from 'node:fs'

const underTsx = process.execArgv.some((arg) => arg.includes('tsx'))
const built = new URL('../dist/index.js', import.meta.url)
const sources = new URL('../src/index.ts', import.meta.url)

async function loadServer() {
  if (!underTsx && existsSync(built)) return import(built.href)
  if (!underTsx) {
    let register
    try {
      ;({ register } = await import('tsx/esm/api'))
    } catch {
      console.error('pkce-auth-mock-server: there is no build (dist/) and no tsx to run the sources; run `npm run build` first.')
      process.exit(1)
    }
    register()
  }
  return import(sources.href)
}

const { cliServerOptions, createMockServer, parseCliArgs, usage } = await loadServer()

let args
try {
  args = parseCliArgs(process.argv.slice(2))
} catch (error) {
  console.error(`pkce-auth-mock-server: ${error.message}\n\n${usage}`)
  process.exit(2)
}
if (args.help) {
  console.log(usage)
  process.exit(0)
}

let mock
try {
  mock = createMockServer(cliServerOptions(args))
} catch (error) {
  console.error(`pkce-auth-mock-server: ${error.message}\n\n${usage}`)
  process.exit(2)
}
let listener
try {
  listener = await mock.listen(args.port, args.host)
} catch (error) {
  console.error(`pkce-auth-mock-server: cannot listen on ${args.host}:${args.port}: ${error.message}`)
  process.exit(1)
}

console.log(`pkce-auth mock authorization server (Telnyx OAuth API)
  issuer:        ${listener.url}
  metadata:      ${listener.url}/.well-known/oauth-authorization-server
  client id:     ${args.clientId} (public, PKCE)
  redirect URIs: ${args.redirectUris.join(', ')}
  consent:       ${args.autoApprove ? 'auto-approved' : `a page where you click Allow, signed in as ${mock.users.list()[0]?.name}`}${
    args.apiKeys.length > 0 ? `\n  API keys:      ${args.apiKeys.join(', ')} (bearer on /v2/oauth_clients, /v2/oauth_grants, /v2/oauth/introspect)` : ''
  }
Use it: createAuthClient({ issuer: '${listener.url}', clientId: '${args.clientId}', redirectUri: '${args.redirectUris[0]}', scope: 'admin' })
Press Ctrl+C to stop.`)

let stopping = false
const stop = async (signal) => {
  if (stopping) return
  stopping = true
  await listener.close()
  console.log(`pkce-auth-mock-server: stopped (${signal})`)
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
