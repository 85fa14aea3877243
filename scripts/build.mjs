// `npm run build`: each package's ESM build (one file, dependencies external) with type declarations,
// and the script-tag build of the core (see scriptTagBuild.mjs).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildScriptTag } from './scriptTagBuild.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
// Built in dependency order: a package's declarations are checked against its dependencies' built ones.
const packages = ['core', 'react', 'vue', 'svelte', 'telnyx', 'mock-server']
// Entry points (dist name → source file) where a package has more than `index`: the core's add-ons.
const entries = { core: { index: 'index', 'lease-lock': 'leaseLock', popup: 'popup', resources: 'resources', dpop: 'dpop' } }

for (const name of packages) {
  const dir = join(root, 'packages', name)
  rmSync(join(dir, 'dist'), { recursive: true, force: true })
  await build({
    // The core's add-ons are entries of their own, built with the core in one pass with shared chunks,
    // so that an add-on never carries a copy of the core.
    entryPoints: Object.entries(entries[name] ?? { index: 'index' }).map(([out, src]) => ({ out, in: join(dir, `src/${src}.ts`) })),
    outdir: join(dir, 'dist'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // Dependencies stay imports. `packages: 'external'` alone is not enough: the root tsconfig's `paths`
    // map @pkce-auth/* to the sources, and esbuild follows `paths` first, so the React package inlined a
    // second copy of the core (and its own AuthError). Naming our packages external keeps them imports.
    packages: 'external',
    external: ['@pkce-auth/*'],
    format: 'esm',
    platform: name === 'mock-server' ? 'node' : 'neutral',
    target: 'es2022',
    jsx: 'automatic',
    sourcemap: true,
    logLevel: 'warning',
  })
  emitDeclarations(name, dir)
}

const scriptTag = await buildScriptTag()
writeFileSync(join(root, 'packages/core/dist/pkce-auth.global.js'), scriptTag.js)
writeFileSync(join(root, 'packages/core/dist/pkce-auth.global.js.map'), scriptTag.map)
// Types for `import '@pkce-auth/core/global'`: the file defines `window.PkceAuth`, the core's exports.
writeFileSync(
  join(root, 'packages/core/dist/pkce-auth.global.d.ts'),
  "import type * as core from './global.js'\n\ndeclare global {\n  var PkceAuth: typeof core\n}\n\nexport {}\n",
)
console.log(`built ${packages.map((p) => `@pkce-auth/${p}`).join(', ')} and packages/core/dist/pkce-auth.global.js`)

function emitDeclarations(name, dir) {
  const paths = Object.fromEntries(
    packages.filter((p) => p !== name).map((p) => [`@pkce-auth/${p}`, [join(root, 'packages', p, 'dist/index.d.ts')]]),
  )
  const config = join(dir, 'tsconfig.build.json')
  writeFileSync(
    config,
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: 'src',
        outDir: 'dist',
        paths,
      },
      include: ['src'],
    }),
  )
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', config], { stdio: 'inherit' })
  } finally {
    rmSync(config)
  }
  // Relative imports in declarations need the `.js` extension for Node's ESM resolution (node16 / nodenext).
  for (const file of walk(join(dir, 'dist'))) {
    if (!file.endsWith('.d.ts')) continue
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)(?<!\.js)\2/g, '$1$2$3.js$2'))
  }
}

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* walk(path)
    else yield path
  }
}
