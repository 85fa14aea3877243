import { describe, expect, it } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import type { AuthState } from '@pkce-auth/core'
import { reduce } from '../src/authState'

const summary = { user: { sub: 'u1' }, scope: 'admin', expiresAt: 1_000 }
const signedIn: AuthState = { status: 'signedIn', ...summary }

describe('reduce', () => {
  it('moves from loading to signedIn with the session summary', () => {
    expect(reduce({ status: 'loading' }, { type: 'signedIn', ...summary })).toEqual(signedIn)
  })

  it('returns the same state object when a session event changes nothing', () => {
    expect(reduce(signedIn, { type: 'signedIn', ...summary })).toBe(signedIn)
  })

  it('returns a new state when the expiry changes', () => {
    const next = reduce(signedIn, { type: 'signedIn', ...summary, expiresAt: 2_000 })
    expect(next).not.toBe(signedIn)
    expect(next).toMatchObject({ status: 'signedIn', expiresAt: 2_000 })
  })

  it('keeps the user signed in on a failure and sets the error', () => {
    const error = new AuthError('network', 'offline')
    expect(reduce(signedIn, { type: 'failed', error })).toEqual({ ...signedIn, error })
  })

  it('clears the error on the next session event', () => {
    const failed = reduce(signedIn, { type: 'failed', error: new AuthError('network', 'offline') })
    const next = reduce(failed, { type: 'signedIn', ...summary })
    expect(next).toEqual(signedIn)
    expect('error' in next && next.error).toBeFalsy()
  })

  it('ignores failures while loading', () => {
    const loading: AuthState = { status: 'loading' }
    expect(reduce(loading, { type: 'failed', error: new AuthError('network', 'offline') })).toBe(loading)
  })

  it('signs out with a reason and an error', () => {
    const error = new AuthError('invalid_grant', 'revoked')
    expect(reduce(signedIn, { type: 'signedOut', reason: 'session_expired', error })).toEqual({
      status: 'signedOut',
      reason: 'session_expired',
      error,
    })
  })

  it('returns the same state for a repeated sign-out', () => {
    const out = reduce(signedIn, { type: 'signedOut', reason: 'signed_out' })
    expect(reduce(out, { type: 'signedOut', reason: 'signed_out' })).toBe(out)
  })

  it('keeps the reason when a failure is added to a signed-out state', () => {
    const error = new AuthError('network', 'offline')
    const out = reduce(signedIn, { type: 'signedOut', reason: 'signed_out' })
    expect(reduce(out, { type: 'failed', error })).toMatchObject({ status: 'signedOut', reason: 'signed_out', error })
  })
})
