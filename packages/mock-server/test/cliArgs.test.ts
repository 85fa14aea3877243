import { describe, expect, it } from 'vitest'
import { cliServerOptions, parseCliArgs, playgroundClientId, playgroundRedirectUris } from '@pkce-auth/mock-server'

describe('parseCliArgs', () => {
  it('defaults to the playground client on 127.0.0.1:4000', () => {
    const args = parseCliArgs([])
    expect(args).toMatchObject({ port: 4000, host: '127.0.0.1', clientId: playgroundClientId, autoApprove: false, issParameter: false })
    expect(args.redirectUris).toEqual(playgroundRedirectUris)
  })

  it('reads every flag, with repeatable redirect URIs and --flag=value', () => {
    const args = parseCliArgs([
      '--port', '0', '--host=localhost', '--client-id', 'mine',
      '--redirect-uri', 'http://localhost:3000/cb', '--redirect-uri=http://localhost:3000/other',
      '--access-token-ttl', '120', '--auto-approve', '--iss',
    ])
    expect(args).toMatchObject({ port: 0, host: 'localhost', clientId: 'mine', accessTokenTtl: 120, autoApprove: true, issParameter: true })
    expect(args.redirectUris).toEqual(['http://localhost:3000/cb', 'http://localhost:3000/other'])
  })

  it('rejects unknown flags and bad values', () => {
    expect(() => parseCliArgs(['--bogus'])).toThrow(TypeError)
    expect(() => parseCliArgs(['--port', 'http'])).toThrow(TypeError)
    expect(() => parseCliArgs(['--port', '70000'])).toThrow(TypeError)
    expect(() => parseCliArgs(['--redirect-uri', 'not a url'])).toThrow(TypeError)
    expect(() => parseCliArgs(['--client-id'])).toThrow(TypeError)
  })

  it('turns DPoP on with --dpop, and nonces with --dpop-nonce (which implies --dpop); off by default', () => {
    expect(cliServerOptions(parseCliArgs([]))).not.toHaveProperty('dpop')
    expect(cliServerOptions(parseCliArgs(['--dpop']))).toMatchObject({ dpop: true, dpopNonce: false })
    expect(cliServerOptions(parseCliArgs(['--dpop-nonce']))).toMatchObject({ dpop: true, dpopNonce: true })
  })

  it('seeds one public client', () => {
    const options = cliServerOptions(parseCliArgs(['--client-id', 'mine', '--auto-approve']))
    expect(options.clients).toMatchObject([{ clientId: 'mine', clientType: 'public', redirectUris: playgroundRedirectUris }])
    expect(options.autoApprove).toBe(true)
  })

  it('names a client other than the playground\'s after its id, or --client-name', () => {
    expect(cliServerOptions(parseCliArgs(['--client-id', 'mine'])).clients?.[0]?.name).toBe('mine')
    expect(cliServerOptions(parseCliArgs(['--client-id', 'mine', '--client-name', 'My App'])).clients?.[0]?.name).toBe('My App')
    expect(cliServerOptions(parseCliArgs([])).clients?.[0]?.name).toBe('pkce-auth playground')
  })

  it('collects --api-key and refuses a redirect URI a client could not register', () => {
    expect(cliServerOptions(parseCliArgs(['--api-key', 'KEY0123456789abcdef', '--api-key', 'KEYfedcba9876543210'])).apiKeys).toEqual([
      'KEY0123456789abcdef',
      'KEYfedcba9876543210',
    ])
    expect(() => parseCliArgs(['--redirect-uri', 'about:blank'])).toThrow(TypeError)
  })
})
