// `npm run dev`: the local authorization server with a seeded public client (and the playground, once it exists).
import { spawn } from 'node:child_process'

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'packages/mock-server/bin/pkce-auth-mock-server.js', '--port', '4000', ...process.argv.slice(2)],
  { stdio: 'inherit' },
)
child.on('exit', (code) => process.exit(code ?? 0))
