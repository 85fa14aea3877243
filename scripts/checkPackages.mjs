// `npm run check:packages`: publint and @arethetypeswrong/cli on every built package (ESM only, by design).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => `${root}node_modules/.bin/${name}`
let failed = false
for (const name of ['core', 'react', 'vue', 'svelte', 'telnyx', 'mock-server']) {
  const dir = `${root}packages/${name}`
  for (const [tool, args] of [
    ['publint', [dir, '--strict']],
    ['attw', ['--pack', dir, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync(bin(tool), args, { stdio: 'pipe', cwd: root })
      console.log(`@pkce-auth/${name}: ${tool} ok`)
    } catch (error) {
      failed = true
      console.error(`@pkce-auth/${name}: ${tool} reported problems\n${error.stdout}${error.stderr}`)
    }
  }
}
process.exit(failed ? 1 : 0)
