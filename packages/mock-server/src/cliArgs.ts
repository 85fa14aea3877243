import type { MockServerOptions } from './mockServerOptions'
import { redirectUriProblem } from './validation'

/** What the CLI was asked to do. */
export interface CliArgs {
  port: number
  host: string
  clientId: string
  /** Shown on the consent page; default: "pkce-auth playground" for the playground's client, else the client id. */
  clientName: string | undefined
  redirectUris: string[]
  /** Telnyx API keys accepted as the bearer (each acts as the signed-in user). */
  apiKeys: string[]
  accessTokenTtl: number | undefined
  autoApprove: boolean
  issParameter: boolean
  dpop: boolean
  dpopNonce: boolean
  help: boolean
}

/** The playground's client, seeded when no `--client-id` is given. */
export const playgroundClientId = 'pkce-auth-playground'

/** Where the playground (Vite on 5173) receives callbacks, both spellings of loopback. */
export const playgroundRedirectUris = [
  'http://localhost:5173/callback',
  'http://127.0.0.1:5173/callback',
  'http://localhost:5173/plain.html',
  'http://127.0.0.1:5173/plain.html',
]

/** The CLI's usage text. */
export const usage = `Usage: pkce-auth-mock-server [options]

  --port N               port to listen on (default 4000; 0 picks a free one)
  --host HOST            interface to bind (default 127.0.0.1)
  --client-id ID         id of the seeded public client (default ${playgroundClientId})
  --client-name NAME     its name on the consent page (default: the client id)
  --redirect-uri URI     a redirect URI of that client; repeatable (default: the playground's)
  --access-token-ttl S   access-token lifetime in seconds (default 3600)
  --api-key KEY          accept KEY as a Telnyx API key (16+ characters); repeatable
  --auto-approve         skip the consent page
  --iss                  add RFC 9207 "iss" to authorization responses
  --dpop                 RFC 9449 DPoP: proofs checked, tokens bound (off by default, as at Telnyx)
  --dpop-nonce           with --dpop: require server nonces (implies --dpop)
  --help                 show this text`

/** Parses `process.argv.slice(2)`; throws a `TypeError` naming a bad or unknown flag. */
export function parseCliArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    port: 4000,
    host: '127.0.0.1',
    clientId: playgroundClientId,
    clientName: undefined,
    redirectUris: [],
    apiKeys: [],
    accessTokenTtl: undefined,
    autoApprove: false,
    issParameter: false,
    dpop: false,
    dpopNonce: false,
    help: false,
  }
  const queue = [...argv]
  while (queue.length > 0) {
    const arg = queue.shift() as string
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => {
      const next = inline ?? queue.shift()
      if (next === undefined || next === '') throw new TypeError(`${flag} needs a value`)
      return next
    }
    const integer = (min: number, max: number) => {
      const text = value()
      const number = Number(text)
      if (!/^\d+$/.test(text) || number < min || number > max) throw new TypeError(`${flag} must be an integer from ${min} to ${max}`)
      return number
    }
    switch (flag) {
      case '--port': args.port = integer(0, 65535); break
      case '--host': args.host = value(); break
      case '--client-id': args.clientId = value(); break
      case '--client-name': args.clientName = value(); break
      case '--api-key': args.apiKeys.push(value()); break
      case '--redirect-uri': {
        const uri = value()
        const problem = redirectUriProblem(uri)
        if (problem) throw new TypeError(`--redirect-uri ${uri} ${problem}`)
        args.redirectUris.push(uri)
        break
      }
      case '--access-token-ttl': args.accessTokenTtl = integer(1, 10 * 365 * 24 * 3600); break
      case '--auto-approve': args.autoApprove = true; break
      case '--iss': args.issParameter = true; break
      case '--dpop': args.dpop = true; break
      case '--dpop-nonce': args.dpop = args.dpopNonce = true; break
      case '--help': case '-h': args.help = true; break
      default: throw new TypeError(`unknown option ${arg}`)
    }
  }
  if (args.redirectUris.length === 0) args.redirectUris = [...playgroundRedirectUris]
  return args
}

/** The server options the CLI's arguments stand for: one public client, the default user, the API keys. */
export function cliServerOptions(args: CliArgs): MockServerOptions {
  const name = args.clientName ?? (args.clientId === playgroundClientId ? 'pkce-auth playground' : args.clientId)
  return {
    clients: [{ clientId: args.clientId, name, clientType: 'public', redirectUris: args.redirectUris, verified: true }],
    ...(args.apiKeys.length === 0 ? {} : { apiKeys: args.apiKeys }),
    ...(args.accessTokenTtl === undefined ? {} : { accessTokenTtl: args.accessTokenTtl }),
    autoApprove: args.autoApprove,
    issParameter: args.issParameter,
    ...(args.dpop ? { dpop: true, dpopNonce: args.dpopNonce } : {}),
  }
}
