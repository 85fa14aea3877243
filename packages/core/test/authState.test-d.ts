import { describe, expectTypeOf, it } from 'vitest'
import type { AuthError, AuthErrorCode, AuthState, Claims } from '@pkce-auth/core'

declare const state: AuthState

describe('AuthState', () => {
  it('narrows on status', () => {
    if (state.status === 'signedIn') {
      expectTypeOf(state.user).toEqualTypeOf<Claims | undefined>()
      expectTypeOf(state.scope).toEqualTypeOf<string | undefined>()
      expectTypeOf(state.expiresAt).toEqualTypeOf<number>()
      expectTypeOf(state.error).toEqualTypeOf<AuthError | undefined>()
    } else if (state.status === 'signedOut') {
      expectTypeOf(state.reason).toEqualTypeOf<'signed_out' | 'session_expired' | 'callback_failed' | undefined>()
      expectTypeOf(state).not.toHaveProperty('user')
    } else {
      expectTypeOf(state).toEqualTypeOf<{ status: 'loading' }>()
    }
  })

  it('gives AuthError a code from the literal union', () => {
    expectTypeOf<AuthError['code']>().toEqualTypeOf<AuthErrorCode>()
    expectTypeOf<'state_mismatch'>().toExtend<AuthErrorCode>()
    expectTypeOf<'nope'>().not.toExtend<AuthErrorCode>()
  })
})
