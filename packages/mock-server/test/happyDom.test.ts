// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { createTestServer, issuer, postForm, signIn } from './helpers'

// The core's unit tests call the server in-process under happy-dom, whose Request/Response replace Node's.
describe('createMockServer under happy-dom', () => {
  it('runs a sign-in and a refresh', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const response = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' }))
    expect(response.status).toBe(200)
  })

  it('limits body size and drops connections the same way', async () => {
    const mock = createTestServer()
    const big = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'x', pad: 'x'.repeat(70_000) }))
    expect(big.status).toBe(413)
    mock.faults.add({ path: '/v2/oauth/token', drop: true })
    await expect(mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'x' }))).rejects.toBeInstanceOf(TypeError)
  })
})
