import { describe, expectTypeOf, it } from 'vitest'
import type { AuthClient, AuthError, AuthEvents, SignOutReason } from '@pkce-auth/core'

declare const auth: AuthClient

describe('on', () => {
  it('types each listener by its event name', () => {
    auth.on('tokenRefreshed', (event) => {
      expectTypeOf(event).toEqualTypeOf<{ expiresAt: number; source: 'scheduled' | 'demand' | 'otherTab' }>()
    })
    auth.on('signedOut', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<SignOutReason>())
    auth.on('error', ({ error, willRetry }) => {
      expectTypeOf(error).toEqualTypeOf<AuthError>()
      expectTypeOf(willRetry).toEqualTypeOf<boolean>()
    })
    expectTypeOf(auth.on('signedIn', () => {})).toEqualTypeOf<() => void>()
    expectTypeOf<keyof AuthEvents>().toEqualTypeOf<
      'signedIn' | 'tokenRefreshed' | 'sessionExpired' | 'signedOut' | 'storageFallback' | 'error'
    >()
  })

  it('rejects an unknown event name', () => {
    // @ts-expect-error: not an event
    auth.on('refreshed', () => {})
  })
})
