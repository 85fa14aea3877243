import { randomToken } from './randomToken'

/** A validated authorization request waiting for the user's decision on the consent page. */
export interface PendingAuthorization {
  consentToken: string
  clientId: string
  redirectUri: string
  scopes: string[]
  state: string | undefined
  codeChallenge: string | undefined
  codeChallengeMethod: 'plain' | 'S256' | undefined
  nonce: string | undefined
  /** RFC 9449 §10 `dpop_jkt`, carried to the code. */
  dpopJkt?: string | undefined
  /** The user a `login_hint` named; the consent page signs in as them instead of the default user. */
  loginHint: string | undefined
  expiresAt: number
}

/** Consent tokens: single-use, valid for ten minutes, at most {@link maxPendingConsents} at once. */
export interface ConsentStore {
  create(fields: Omit<PendingAuthorization, 'consentToken' | 'expiresAt'>): PendingAuthorization
  /** The pending authorization, unless unknown, used or expired. */
  get(consentToken: string): PendingAuthorization | undefined
  /** Removes and returns it, so a decision is made once. */
  take(consentToken: string): PendingAuthorization | undefined
}

const consentTtlMs = 10 * 60 * 1000

/** Pending consents kept at once; beyond it the oldest is forgotten (its page then says it expired). */
export const maxPendingConsents = 1000

/** Creates an empty consent store. */
export function createConsentStore(): ConsentStore {
  const pending = new Map<string, PendingAuthorization>()
  const get = (consentToken: string) => {
    const entry = pending.get(consentToken)
    if (entry && entry.expiresAt <= Date.now()) {
      pending.delete(consentToken)
      return undefined
    }
    return entry
  }
  return {
    create(fields) {
      const now = Date.now()
      // Entries are in creation order, so the expired ones are at the front.
      for (const [key, entry] of pending) {
        if (entry.expiresAt > now) break
        pending.delete(key)
      }
      while (pending.size >= maxPendingConsents) pending.delete(pending.keys().next().value as string)
      const entry = { ...fields, consentToken: randomToken(), expiresAt: Date.now() + consentTtlMs }
      pending.set(entry.consentToken, entry)
      return entry
    },
    get,
    take(consentToken) {
      const entry = get(consentToken)
      pending.delete(consentToken)
      return entry
    },
  }
}
