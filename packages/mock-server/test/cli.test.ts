import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/pkce-auth-mock-server.js', import.meta.url))

describe('pkce-auth-mock-server', () => {
  it('serves the seeded client, prints how to use it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, '--port', '0', '--client-id', 'cli-client'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let output = ''
      const issuer = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const match = /issuer:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (match?.[1] && output.includes('Ctrl+C')) resolve(match[1])
        })
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)))
      })
      expect(output).toContain('cli-client')
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()
      expect(metadata.issuer).toBe(issuer)
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 20_000)

  it('exits with status 2 and the usage for an unknown flag', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, '--nope'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain('Usage:')
  }, 20_000)
})
