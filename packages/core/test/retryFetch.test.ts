import { afterEach, describe, expect, it, vi } from 'vitest'
import { retryFetch } from '../src/retryFetch'
import type { RetryOptions } from '../src/retryFetch'

type Step = Response | Error | 'hang'

// A tiny in-process server: answers each call with the next step and records what it was sent.
function server(...steps: Step[]) {
  const calls: { url: string; method: string; body: string; at: number }[] = []
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    calls.push({ url: request.url, method: request.method, body: await request.text(), at: Date.now() })
    const step = steps.shift() ?? new Response('ok')
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))
    }
    if (step instanceof Error) throw step
    return step
  }
  return { calls, fetch: fetchFn as typeof fetch }
}

// Records the delays the wrapper asks for instead of waiting them out.
function instant(extra: RetryOptions = {}) {
  const delays: number[] = []
  const options: RetryOptions = { sleep: async (ms) => void delays.push(ms), random: () => 0.5, ...extra }
  return { delays, options }
}

const status = (code: number, headers?: HeadersInit) => new Response(`status ${code}`, { status: code, headers })

afterEach(() => {
  vi.useRealTimers()
})

describe('retryFetch', () => {
  it('returns a successful response after one call', async () => {
    const { calls, fetch } = server(new Response('hello'))
    const response = await retryFetch(fetch)('http://127.0.0.1/x')
    expect(await response.text()).toBe('hello')
    expect(calls).toHaveLength(1)
  })

  it.each([408, 429, 500, 502, 503, 504])('retries a %i', async (code) => {
    const { calls, fetch } = server(status(code), new Response('ok'))
    const { options } = instant()
    const response = await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(response.status).toBe(200)
    expect(calls).toHaveLength(2)
  })

  it.each([400, 401, 403, 404, 409])('returns a %i as it is, without retrying', async (code) => {
    const { calls, fetch } = server(status(code))
    const { options } = instant()
    const response = await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(response.status).toBe(code)
    expect(calls).toHaveLength(1)
  })

  it('retries a network error', async () => {
    const { calls, fetch } = server(new TypeError('Failed to fetch'), new Response('ok'))
    const { options } = instant()
    expect((await retryFetch(fetch, options)('http://127.0.0.1/x')).status).toBe(200)
    expect(calls).toHaveLength(2)
  })

  it('stops after 4 attempts and resolves to the last response', async () => {
    const { calls, fetch } = server(status(503), status(503), status(503), status(502), new Response('late'))
    const { options } = instant()
    const response = await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(response.status).toBe(502)
    expect(calls).toHaveLength(4)
  })

  it('stops after the given attempts and rejects with the last error', async () => {
    const last = new TypeError('still down')
    const { calls, fetch } = server(new TypeError('down'), last)
    const { options } = instant({ attempts: 2 })
    await expect(retryFetch(fetch, options)('http://127.0.0.1/x')).rejects.toBe(last)
    expect(calls).toHaveLength(2)
  })

  it('backs off exponentially with full jitter', async () => {
    const { fetch } = server(status(503), status(503), status(503), status(503))
    const { delays, options } = instant({ random: () => 0.999, baseMs: 100 })
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays.map(Math.round)).toEqual([100, 200, 400])
    const low = instant({ random: () => 0, baseMs: 100 })
    await retryFetch(server(status(503), status(503)).fetch, { ...low.options, attempts: 2 })('http://127.0.0.1/x')
    expect(low.delays).toEqual([0])
  })

  it('caps the backoff at maxDelayMs', async () => {
    const { fetch } = server(status(503), status(503), status(503))
    const { delays, options } = instant({ random: () => 0.999, baseMs: 1000, maxDelayMs: 1500, attempts: 3 })
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays.map(Math.round)).toEqual([999, 1499])
  })

  it('waits as long as Retry-After says in seconds', async () => {
    const { fetch } = server(status(429, { 'retry-after': '2' }))
    const { delays, options } = instant()
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays).toEqual([2000])
  })

  it('waits until the HTTP date Retry-After names', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'))
    const { fetch } = server(status(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }))
    const { delays, options } = instant()
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays).toEqual([5000])
  })

  it('prefers retry-after-ms to Retry-After', async () => {
    const { fetch } = server(status(429, { 'retry-after-ms': '250', 'retry-after': '9' }))
    const { delays, options } = instant()
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays).toEqual([250])
  })

  it('falls back to backoff when Retry-After cannot be read', async () => {
    const { fetch } = server(status(503, { 'retry-after': 'soon' }))
    const { delays, options } = instant({ random: () => 0.5, baseMs: 100 })
    await retryFetch(fetch, options)('http://127.0.0.1/x')
    expect(delays).toEqual([50])
  })

  it('returns the response when Retry-After asks for longer than maxDelayMs', async () => {
    const { calls, fetch } = server(status(429, { 'retry-after': '3600' }))
    const { options } = instant()
    expect((await retryFetch(fetch, options)('http://127.0.0.1/x')).status).toBe(429)
    expect(calls).toHaveLength(1)
  })

  it('sends the next attempt no sooner than Retry-After allows, in real time', async () => {
    vi.useFakeTimers()
    const { calls, fetch } = server(status(429, { 'retry-after': '2' }), new Response('ok'))
    const pending = retryFetch(fetch)('http://127.0.0.1/x')
    await vi.advanceTimersByTimeAsync(1999)
    expect(calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect((await pending).status).toBe(200)
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2000)
  })

  it('times out an attempt and retries it', async () => {
    vi.useFakeTimers()
    const { calls, fetch } = server('hang', new Response('ok'))
    const pending = retryFetch(fetch, { timeoutMs: 1000, random: () => 0 })('http://127.0.0.1/x')
    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    // The retry's zero backoff is a timer scheduled during that tick: let it run.
    await vi.advanceTimersByTimeAsync(1)
    expect((await pending).status).toBe(200)
    expect(calls).toHaveLength(2)
  })

  it('times out an attempt whose body stalls after the headers, and retries it', async () => {
    const stalled = (signal: AbortSignal) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"access_token":'))
          signal.addEventListener('abort', () => controller.error(signal.reason))
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
    }
    let calls = 0
    const fetchFn = async (_input: string | URL, init: RequestInit) => (++calls === 1 ? stalled(init.signal!) : Response.json({ ok: true }))
    const response = await retryFetch(fetchFn, { timeoutMs: 50, sleep: async () => {} })('https://as.test/token')
    expect(calls).toBe(2)
    expect(await response.json()).toEqual({ ok: true })
  })

  it('returns a 204 and a redirect it did not follow as they are', async () => {
    for (const step of [new Response(null, { status: 204 }), Response.error()]) {
      const { fetch: fetchFn } = server(step)
      expect(await retryFetch(fetchFn)('https://as.test/revoke')).toBe(step)
    }
  })

  it('stops the attempt under way, and any retry, when its signal aborts', async () => {
    const { calls, fetch: fetchFn } = server('hang')
    const controller = new AbortController()
    const reason = new Error('moot')
    const call = retryFetch(fetchFn, { signal: controller.signal })('https://as.test/token')
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    controller.abort(reason)
    await expect(call).rejects.toBe(reason)
    expect(calls).toHaveLength(1)
  })

  it('rejects at once when the signal aborts while beforeRetry runs', async () => {
    const controller = new AbortController()
    const send = retryFetch(async () => new Response('', { status: 503 }), {
      attempts: 2,
      signal: controller.signal,
      beforeRetry: async () => {
        controller.abort(new Error('stopped'))
        return true
      },
      // A long backoff (a Retry-After): the abort must not wait for it.
      sleep: () => new Promise(() => {}),
    })
    const outcome = await Promise.race([send('https://as.test/token').then(() => 'resolved', () => 'rejected'), new Promise((resolve) => setTimeout(resolve, 500)).then(() => 'pending')])
    expect(outcome).toBe('rejected')
  })

  it('stops waiting for a retry when its signal aborts', async () => {
    const { calls, fetch: fetchFn } = server(status(503, { 'retry-after': '20' }))
    const controller = new AbortController()
    const call = retryFetch(fetchFn, { signal: controller.signal })('https://as.test/token')
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    controller.abort(new Error('moot'))
    await expect(call).rejects.toThrow('moot')
    expect(calls).toHaveLength(1)
  })

  it('rejects with a TimeoutError when every attempt times out', async () => {
    vi.useFakeTimers()
    const { fetch } = server('hang', 'hang')
    const pending = retryFetch(fetch, { timeoutMs: 1000, attempts: 2, random: () => 0 })('http://127.0.0.1/x')
    const outcome = expect(pending).rejects.toMatchObject({ name: 'TimeoutError' })
    for (let ms = 0; ms < 2100; ms += 100) await vi.advanceTimersByTimeAsync(100)
    await outcome
  })

  it('sends the same URLSearchParams body on every attempt', async () => {
    const { calls, fetch } = server(status(503), new Response('ok'))
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1' })
    await retryFetch(fetch, instant().options)('http://127.0.0.1/token', { method: 'POST', body })
    expect(calls.map((call) => call.body)).toEqual([body.toString(), body.toString()])
  })

  it('sends nothing while offline and rejects at once with a TypeError', async () => {
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    try {
      const { calls, fetch } = server(new Response('ok'))
      await expect(retryFetch(fetch)('http://127.0.0.1/x')).rejects.toBeInstanceOf(TypeError)
      expect(calls).toHaveLength(0)
    } finally {
      online.mockRestore()
    }
  })
  it('asks beforeRetry with the outcome, and stops when it says no', async () => {
    const { calls, fetch } = server(new TypeError('reset'), status(503))
    const seen: unknown[] = []
    const error = retryFetch(fetch, {
      ...instant().options,
      beforeRetry: (outcome, attempt) => {
        seen.push([attempt, outcome.error instanceof TypeError])
        return false
      },
    })('http://127.0.0.1/token')
    await expect(error).rejects.toBeInstanceOf(TypeError)
    expect(seen).toEqual([[1, true]])
    expect(calls).toHaveLength(1)
  })

  it('resolves to the response beforeRetry declined to retry', async () => {
    const { calls, fetch } = server(status(503), new Response('ok'))
    const response = await retryFetch(fetch, { ...instant().options, beforeRetry: async (outcome) => outcome.response?.status !== 503 })(
      'http://127.0.0.1/x',
    )
    expect(response.status).toBe(503)
    expect(calls).toHaveLength(1)
  })
})
