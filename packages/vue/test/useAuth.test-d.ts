import { describe, expectTypeOf, it } from 'vitest'
import { useAuth } from '@pkce-auth/vue'
import type { AuthError, AuthState, UseAuthResult } from '@pkce-auth/vue'

type SignedIn = Extract<AuthState, { status: 'signedIn' }>

describe('useAuth (Vue)', () => {
  it('returns a readonly state ref that narrows on status, and the actions', () => {
    expectTypeOf(useAuth).returns.toEqualTypeOf<UseAuthResult>()
    const { state, signIn } = {} as UseAuthResult
    if (state.value.status === 'signedIn') {
      expectTypeOf(state.value.user).toEqualTypeOf<SignedIn['user']>()
      expectTypeOf(state.value.expiresAt).toEqualTypeOf<number>()
    } else if (state.value.status === 'signedOut') {
      expectTypeOf(state.value.error).toEqualTypeOf<AuthError | undefined>()
      expectTypeOf(state.value).not.toHaveProperty('user')
    } else {
      expectTypeOf(state.value.status).toEqualTypeOf<'loading'>()
    }
    expectTypeOf(signIn).returns.toEqualTypeOf<Promise<void>>()
    // @ts-expect-error the state is read-only: it is the client's
    state.value = { status: 'loading' }
  })
})
