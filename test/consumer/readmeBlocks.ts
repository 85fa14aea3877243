// The READMEs' runnable code: a block fenced as ```ts runnable (or tsx, js, html) is one a user can
// paste and run. The consumer test typechecks the TypeScript ones against the installed packages and
// serves the script-tag page (html + js) to Chromium exactly as written, placeholders swapped.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './builtPackages'

/** One runnable block: where it is, its language and its text. */
export interface ReadmeBlock {
  /** `README.md` or `packages/<name>/README.md`. */
  file: string
  /** The line of the opening fence. */
  line: number
  lang: 'ts' | 'tsx' | 'js' | 'html'
  code: string
}

/** The placeholders READMEs use for the server and client: the test puts the mock server's in their place. */
export const placeholders = { issuer: 'https://auth.example.com', clientId: 'my-public-client-id' }

/** Every README of the repository: the root one and each package's. */
export function readmeFiles(): string[] {
  const packages = readdirSync(join(root, 'packages')).map((name) => `packages/${name}/README.md`)
  return ['README.md', ...packages.filter((file) => readdirSync(join(root, file, '..')).includes('README.md'))]
}

/** The runnable blocks of every README, in order. */
export function readmeBlocks(): ReadmeBlock[] {
  return readmeFiles().flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8')
    return [...text.matchAll(/^```(ts|tsx|js|html) runnable\n([\s\S]*?)^```$/gm)].map((match) => ({
      file,
      line: text.slice(0, match.index).split('\n').length,
      lang: match[1] as ReadmeBlock['lang'],
      code: match[2]!,
    }))
  })
}
