/** A typed result together with the HTTP response it came from. */
export interface TelnyxResponse<T> {
  /** The typed, camelCase result (the same value the promise itself resolves to). */
  data: T
  /** The HTTP response (its body is already consumed: read `raw`). */
  response: Response
  /** The parsed body exactly as the server sent it, wire names included; `undefined` for an empty body. */
  raw: unknown
}

/**
 * The promise every client method returns: it resolves to the typed result, and
 * {@link TelnyxPromise.withResponse} reaches the HTTP response and the untouched body, for headers and
 * for fields the types do not name.
 *
 * @example
 * ```ts
 * const client = await telnyx.oauthClients.get(id)
 * const { data, response, raw } = await telnyx.oauthClients.get(id).withResponse()
 * response.headers.get('x-request-id')
 * ```
 */
export class TelnyxPromise<T> extends Promise<T> {
  readonly #result: Promise<TelnyxResponse<T>>

  constructor(result: Promise<TelnyxResponse<T>>) {
    super((resolve, reject) => {
      result.then((value) => resolve(value.data), reject)
    })
    this.#result = result
  }

  // `then`/`catch`/`finally` build plain promises: they cannot carry a response.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }

  /** Resolves to the typed result, the HTTP response and the raw body; rejects like the promise itself. */
  withResponse(): Promise<TelnyxResponse<T>> {
    // Whoever asks for the response handles the failure there, so this promise's own rejection is
    // not reported as unhandled.
    this.catch(() => undefined)
    return this.#result
  }
}
