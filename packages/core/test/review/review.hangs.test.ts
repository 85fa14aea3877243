import { describe, expect, it } from 'vitest'
import { createTestClient } from '../../../../test/helpers/createTestClient'

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then((value) => ({ settled: 'resolved', value }), (error) => ({ settled: 'rejected', error })),
    new Promise((resolve) => setTimeout(() => resolve({ settled: 'no' }), ms))])

describe('review: a token response that stalls after its headers', () => {
  it('fails the refresh with timeout instead of hanging', async () => {
    let stall = false
    const test = createTestClient({ retry: { attempts: 1, timeoutMs: 200 } })
    const send = test.fetch.getMockImplementation()!
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      if (!stall || new URLSearchParams(String(init?.body)).get('grant_type') !== 'refresh_token') return response
      // Headers arrive, then the connection goes quiet; like a real fetch, the body fails once the signal aborts.
      const signal = init!.signal!
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"access_token":'))
          signal.addEventListener('abort', () => controller.error(signal.reason))
        },
      })
      return new Response(body, { status: response.status, headers: response.headers })
    })
    await test.signIn()
    stall = true
    const outcome = await within(test.auth.getAccessToken({ forceRefresh: true }), 3_000)
    expect(outcome).toMatchObject({ settled: 'rejected', error: { code: 'timeout' } })
    test.auth.dispose()
  })
})
