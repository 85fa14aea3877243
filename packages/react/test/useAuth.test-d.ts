import { describe, expectTypeOf, it } from 'vitest'
import { useAccessToken, useAuth } from '@pkce-auth/react'
import type { AuthError, AuthState, UseAuthResult } from '@pkce-auth/react'

type SignedIn = Extract<AuthState, { status: 'signedIn' }>

describe('useAuth', () => {
  it('returns a result that narrows on status', () => {
    expectTypeOf(useAuth).returns.toEqualTypeOf<UseAuthResult>()
    const auth = {} as UseAuthResult

    if (auth.status === 'signedIn') {
      expectTypeOf(auth.user).toEqualTypeOf<SignedIn['user']>()
      expectTypeOf(auth.expiresAt).toEqualTypeOf<number>()
      expectTypeOf(auth.isSignedIn).toEqualTypeOf<true>()
      expectTypeOf(auth.error).toEqualTypeOf<AuthError | undefined>()
    } else if (auth.status === 'signedOut') {
      expectTypeOf(auth.user).toEqualTypeOf<undefined>()
      expectTypeOf(auth.error).toEqualTypeOf<AuthError | undefined>()
      expectTypeOf(auth.isSignedIn).toEqualTypeOf<false>()
      expectTypeOf(auth).not.toHaveProperty('expiresAt')
    } else {
      expectTypeOf(auth.status).toEqualTypeOf<'loading'>()
      expectTypeOf(auth.isLoading).toEqualTypeOf<true>()
      expectTypeOf(auth.error).toEqualTypeOf<undefined>()
    }
  })

  it('narrows on isSignedIn as well', () => {
    const auth = {} as UseAuthResult
    if (auth.isSignedIn) expectTypeOf(auth.status).toEqualTypeOf<'signedIn'>()
    else expectTypeOf(auth.status).toEqualTypeOf<'loading' | 'signedOut'>()
  })

  it('returns the client actions', () => {
    const { signIn, signOut, getAccessToken, fetch } = {} as UseAuthResult
    expectTypeOf(getAccessToken).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(fetch).returns.toEqualTypeOf<Promise<Response>>()
    expectTypeOf(signIn).returns.resolves.toBeVoid()
    expectTypeOf(signOut).returns.resolves.toBeVoid()
  })
})

describe('useAccessToken', () => {
  it('returns an optional token and error', () => {
    expectTypeOf(useAccessToken).returns.toEqualTypeOf<{ token: string | undefined; error: AuthError | undefined }>()
  })
})
