import { describe, expect, it } from 'vitest'
import { createTestClient } from '../../../test/helpers/createTestClient'

/** Defects found in review: each test failed on the code before its fix. */

const authorizeParams = (navigate: { mock: { lastCall?: [string] } }) => new URL(navigate.mock.lastCall![0]).searchParams

describe('signIn: parameters given as extra parameters', () => {
  it('sends prompt, login_hint and resource from extraAuthorizationParams when signIn names none', async () => {
    const { auth, navigate } = createTestClient({
      extraAuthorizationParams: { prompt: 'consent', login_hint: 'ada@example.com', resource: 'https://api.test' },
    })
    await auth.signIn()
    const params = authorizeParams(navigate)
    expect(params.get('prompt')).toBe('consent')
    expect(params.get('login_hint')).toBe('ada@example.com')
    expect(params.getAll('resource')).toEqual(['https://api.test'])
  })

  it('sends prompt from signIn extraParams, and lets the signIn option win over both', async () => {
    const { auth, navigate } = createTestClient({ extraAuthorizationParams: { prompt: 'consent' } })
    await auth.signIn({ extraParams: { prompt: 'select_account' } })
    expect(authorizeParams(navigate).getAll('prompt')).toEqual(['select_account'])
    await auth.signIn({ prompt: 'login', extraParams: { prompt: 'select_account' } })
    expect(authorizeParams(navigate).getAll('prompt')).toEqual(['login'])
  })
})
