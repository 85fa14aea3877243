// `npm run dev`: the mock authorization server (seeded public client, 2-minute access tokens, so the
// playground's countdown and refreshes are worth watching) and the playground's Vite dev server.
// Extra arguments go to the mock server: `npm run dev -- --auto-approve`. Ctrl+C stops both.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
if (!args.some((arg) => arg.startsWith('--access-token-ttl'))) args.push('--access-token-ttl', '120')

const mock = spawn(
  process.execPath,
  ['--import', 'tsx', 'packages/mock-server/bin/pkce-auth-mock-server.js', '--port', '4000', ...args],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
)
let vite
const stop = async (code) => {
  mock.kill()
  await vite?.close()
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
mock.on('exit', (code) => {
  console.error(`mock server exited (${code ?? 'signal'})`)
  void stop(code || 1)
})

// The mock's banner is long; one line of it is enough here.
const issuer = await new Promise((resolve) => {
  createInterface({ input: mock.stdout }).on('line', (line) => {
    const match = /issuer:\s+(\S+)/.exec(line)
    if (match) resolve(match[1])
  })
})

vite = await createServer({ configFile: fileURLToPath(new URL('../playground/vite.config.ts', import.meta.url)), logLevel: 'warn' })
await vite.listen()
const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/'
console.log(`
  pkce-auth playground:  ${url}

  mock authorization server at ${issuer} (client pkce-auth-playground, ${args[args.indexOf('--access-token-ttl') + 1] ?? '120'} s tokens, consent page)
  Ctrl+C stops both.
`)
