// @vitest-environment node
import { describe, expect, it } from 'vitest'

describe('@pkce-auth/core in Node', () => {
  it('imports without a browser, restores nothing and stays loading (server rendering)', async () => {
    expect(typeof window).toBe('undefined')
    const { createAuthClient } = await import('@pkce-auth/core')
    const auth = createAuthClient({
      issuer: 'https://auth.test',
      clientId: 'app',
      redirectUri: 'https://app.test/callback',
      storage: 'memory',
    })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(auth.getState()).toEqual({ status: 'loading' })
  })
})
