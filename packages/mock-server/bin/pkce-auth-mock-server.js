#!/usr/bin/env node
// The local authorization server for the playground and manual testing. Installed, it runs the built
// package; in the repo, `npm run dev` runs it under `node --import tsx`, and then it runs the
// TypeScript sources, so a stale build is never what you are testing.
const underTsx = process.execArgv.some((arg) => arg.includes('tsx'))
const { cliServerOptions, createMockServer, parseCliArgs, usage } = await (underTsx
  ? import('../src/index.ts')
  : import('../dist/index.js'))

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

const mock = createMockServer(cliServerOptions(args))
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
  consent:       ${args.autoApprove ? 'auto-approved' : `a page where you click Allow, signed in as ${mock.users.list()[0]?.name}`}
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
