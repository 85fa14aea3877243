// The script-tag file shortens internal property names (scripts/scriptTagBuild.mjs, `internalNames`):
// safe only while none of them is a name that code outside the file (an app, a stored record, another
// tab) reads or writes. These tests keep it so.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as entry from '../../packages/core/src/global'
import { buildScriptTag, internalNames } from '../../scripts/scriptTagBuild.mjs'

const src = new URL('../../packages/core/src/', import.meta.url)
// What an app passes in or gets back (options, state, events, errors, the add-ons' options and hooks),
// and what is stored or posted (the session, a sign-in's transaction, cached metadata, tab messages,
// the lease, the DPoP key record, the list of pending sign-ins).
const publicOrStored = [
  'types.ts', 'options.ts', 'authState.ts', 'authEvents.ts', 'authError.ts', 'storage.ts', 'plugins.ts',
  'popup.ts', 'resources.ts', 'dpop.ts', 'leaseLock.ts', 'session.ts', 'authorizationRequest.ts',
  'serverMetadata.ts', 'tabChannel.ts', 'redirectFlow.ts',
]

describe('the script-tag build', () => {
  it('shortens no name that a public or stored type declares', () => {
    for (const file of publicOrStored) {
      // The declarations, comments left out: each interface's body, each type alias up to the next blank line.
      const code = readFileSync(new URL(file, src), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*/g, '')
      const declarations = code.match(/^(export )?(interface [^\n]*\{[\s\S]*?\n\}|type [\s\S]*?\n\n)/gm) ?? []
      for (const name of internalNames) {
        expect(declarations.join('\n'), `${name} is declared in ${file}`).not.toMatch(new RegExp(`(^|[\\s{;])(readonly\\s+)?${name}\\??\\s*[:(<]`, 'm'))
      }
    }
  })

  it('defines every export of its entry, and a client made from it hands out no token before a sign-in', async () => {
    const { js } = await buildScriptTag()
    const PkceAuth = new Function(`${js}\nreturn PkceAuth`)()
    expect(Object.keys(PkceAuth).sort()).toEqual(Object.keys(entry).sort())
    const auth = PkceAuth.createAuthClient({ issuer: 'https://auth.test', clientId: 'app', redirectUri: 'https://app.test/callback', storage: 'memory' })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(auth.getState()).toEqual({ status: 'loading' })
  })
})
