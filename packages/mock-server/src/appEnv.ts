import type { MockFault } from './faultStore'

/** Hono's typing of the app: per-request bindings from the outer handler, variables set by middleware. */
export interface AppEnv {
  Bindings: {
    /** The fault taken for this request by the outer handler (so one request consumes one fault). */
    fault: MockFault | undefined
  }
  Variables: {
    /** The issuer this request is answered as: the configured one or the request's origin. */
    issuer: string
    /** The request body, read once (and size-limited) by the body reader. */
    bodyText: string
  }
}
