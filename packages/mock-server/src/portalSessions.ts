import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { bearerCredential } from './bearerAuth'
import { telnyxErrorBody } from './errors'
import { randomToken } from './randomToken'
import type { ServerContext } from './serverContext'

/**
 * The signed-in person on the consent page: the portal's own session credential. It is no OAuth access
 * token (no client can hold one), it speaks for one pending consent only, and it is the only credential
 * `GET /v2/oauth/consent/{token}` and `POST /v2/oauth/grants` accept, so consent is decided by the person.
 */
export interface PortalSession {
  userId: string
  consentToken: string
  expiresAt: number
}

/** Portal sessions, made by the consent page and bounded in number and lifetime. */
export interface PortalSessionStore {
  create(userId: string, consentToken: string, expiresAt: number): string
  get(session: string): PortalSession | undefined
}

/** Sessions live as long as their consent (at most 10 minutes); beyond this many, the oldest go first. */
export const maxPortalSessions = 1000

const prefix = 'portal_'

/** Creates an empty store. */
export function createPortalSessionStore(): PortalSessionStore {
  const sessions = new Map<string, PortalSession>()
  return {
    create(userId, consentToken, expiresAt) {
      const now = Date.now()
      for (const [key, session] of sessions) if (session.expiresAt <= now) sessions.delete(key)
      while (sessions.size >= maxPortalSessions) sessions.delete(sessions.keys().next().value as string)
      const session = `${prefix}${randomToken()}`
      sessions.set(session, { userId, consentToken, expiresAt })
      return session
    },
    get(session) {
      const found = session.startsWith(prefix) ? sessions.get(session) : undefined
      return found && found.expiresAt > Date.now() ? found : undefined
    },
  }
}

/**
 * Authenticates the consent page's portal session for `consentToken`: 401 (Telnyx's shape, a Bearer
 * challenge) for anything else, OAuth access tokens and API keys included.
 */
export function authenticatePortal(
  c: Context<AppEnv>,
  server: ServerContext,
  consentToken: string,
): { ok: true; session: PortalSession } | { ok: false; response: Response } {
  const credential = bearerCredential(c.req.header('authorization'))
  const session = credential === undefined ? undefined : server.portalSessions.get(credential)
  if (session && session.consentToken === consentToken) return { ok: true, session }
  c.header('WWW-Authenticate', `Bearer realm="${c.get('issuer')}"${credential === undefined ? '' : ', error="invalid_token"'}`)
  return {
    ok: false,
    response: c.json(telnyxErrorBody(401, 'Only the signed-in person on the consent page can see or decide this consent.'), 401),
  }
}
