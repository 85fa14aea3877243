// `npm run dev`: the mock authorization server (seeded public client, 2-minute access tokens, so the
// playground's countdown and refreshes are worth watching, and one API key made up for this run) and the
// playground's Vite dev server.
// Extra arguments go to the mock server: `npm run dev -- --auto-approve`. Ctrl+C stops both.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const ttlAt = args.findIndex((arg) => arg.startsWith('--access-token-ttl'))
const ttl = ttlAt < 0 ? '120' : args[ttlAt].split('=')[1] ?? args[ttlAt + 1]
if (ttlAt < 0) args.push('--access-token-ttl', ttl)
// A fresh key each run: it acts as the signed-in user with full rights, like a Telnyx API key.
const apiKey = `KEY${randomBytes(24).toString('base64url')}`
args.push('--api-key', apiKey)

const mock = spawn(
  process.execPath,
  ['--import', 'tsx', 'packages/mock-server/bin/pkce-auth-mock-server.js', '--port', '4000', ...args],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
)
let vite
let stopping = false
const stop = async (code) => {
  stopping = true
  mock.kill()
  await vite?.close()
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
mock.on('exit', (code) => {
  if (stopping) return
  console.error(`The mock server stopped (exit code ${code}); stopping the playground too.`)
  void stop(code || 1)
})

// The mock's banner is long; one line of it is enough here.
const issuer = await new Promise((resolve) => {
  createInterface({ input: mock.stdout }).on('line', (line) => {
    const match = /issuer:\s+(\S+)/.exec(line)
    if (match) resolve(match[1])
  })
})

try {
  vite = await createServer({ configFile: fileURLToPath(new URL('../playground/vite.config.ts', import.meta.url)), logLevel: 'warn' })
  await vite.listen()
} catch (error) {
  console.error(`The playground could not start: ${error.message}`)
  await stop(1)
}
const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'
console.log(`
  pkce-auth playground:  ${url}

  mock authorization server at ${issuer} (client pkce-auth-playground, ${ttl} s access tokens, consent page with Allow/Deny)
  API key for this run:  ${apiKey}
    e.g. curl -H 'Authorization: Bearer ${apiKey}' ${issuer}/v2/oauth_clients
  Ctrl+C stops both.
`)
