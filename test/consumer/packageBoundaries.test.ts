// Each package's `dist` holds its own code only and imports the others by name: a second copy of the
// core inside @pkce-auth/react ships twice the code and has its own AuthError, so `instanceof` fails.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, packageNames, root } from './builtPackages'

/** The source files a built file was made from, relative to the repository root (from its source map). */
function sourcesOf(mapFile: string): string[] {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourceRoot?: string }
  return map.sources.map((source) => relative(root, resolve(dirname(mapFile), map.sourceRoot ?? '', source)))
}

/** `@pkce-auth/*` names a package's sources import at run time (`import type` and `export type` erase). */
function runtimeImports(name: string): Set<string> {
  const found = new Set<string>()
  const dir = join(root, 'packages', name, 'src')
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue
    // Without comments: an @example's import is not one.
    const text = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(@pkce-auth\/[\w-]+)/gm)) found.add(match[1]!)
  }
  return found
}

describe('the built packages', () => {
  beforeAll(() => ensureBuilt(), 120_000)

  it.each(packageNames)("@pkce-auth/%s's dist/index.js is built from its own sources only", (name) => {
    const mapFile = join(root, 'packages', name, 'dist/index.js.map')
    const outside = sourcesOf(mapFile).filter((source) => !source.startsWith(`packages/${name}/src/`))
    expect(outside).toEqual([])
  })

  it.each(packageNames)('@pkce-auth/%s imports the other packages by name, each a declared dependency', (name) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'))
    const declared = { ...pkg.dependencies, ...pkg.peerDependencies }
    const dist = readFileSync(join(root, 'packages', name, 'dist/index.js'), 'utf8')
    const imported = new Set([...dist.matchAll(/\bfrom\s*"(@pkce-auth\/[\w-]+)/g)].map((match) => match[1]!))
    expect(imported).toEqual(runtimeImports(name))
    for (const other of imported) expect(declared, `${other} in package.json`).toHaveProperty([other])
  })

  it('the script-tag file holds the core and its dependencies, no other package', () => {
    const sources = sourcesOf(join(root, 'packages/core/dist/pkce-auth.global.js.map'))
    expect(sources.some((source) => source.startsWith('packages/core/src/'))).toBe(true)
    expect(sources.filter((source) => !source.startsWith('packages/core/src/') && !source.startsWith('node_modules/'))).toEqual([])
  })
})
