// The part of oidc-provider's API the interop suite uses (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  type Handler = (req: IncomingMessage, res: ServerResponse) => void

  export interface InteractionDetails {
    uid: string
    params: Record<string, unknown>
    prompt: { name: string; details: Record<string, unknown> }
    session?: { accountId?: string }
    grantId?: string
  }

  export interface Grant {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
  }

  /** The part of Koa's context the interop suite uses. */
  export interface Context {
    req: IncomingMessage
    res: ServerResponse
    path: string
    type: string
    body: unknown
    status: number
    set(headers: Record<string, string>): void
    redirect(url: string): void
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): Handler
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>
    /** A Koa middleware, run before the provider's routes. */
    use(middleware: (ctx: Context, next: () => Promise<void>) => Promise<void>): this
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    Grant: {
      new (properties: { accountId: string; clientId: string }): Grant
      find(id: string): Promise<Grant | undefined>
    }
    on(event: string, listener: (...args: unknown[]) => void): this
  }
}
