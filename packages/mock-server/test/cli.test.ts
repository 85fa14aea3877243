import { spawn } from 'node:child_process'
import { cp, mkdtemp, mkdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/pkce-auth-mock-server.js', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const repoCache = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url))

/** Resolves to the issuer the bin prints once it listens (rejects with its output if it exits first). */
function issuerOf(child: ReturnType<typeof spawn>): Promise<{ issuer: string; output: () => string }> {
  let output = ''
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /issuer:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1] && output.includes('Ctrl+C')) resolve({ issuer: match[1], output: () => output })
    })
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)))
  })
}

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

  it('runs from a clone with no build: plain node, the sources through the repo\'s tsx', async () => {
    // A copy of the package without dist/ inside the repo (so the repo's node_modules resolve), whatever
    // the state of this checkout's own dist/.
    await mkdir(repoCache, { recursive: true })
    const copy = await mkdtemp(`${repoCache}mock-server-no-dist-`)
    try {
      for (const part of ['bin', 'src', 'package.json']) await cp(`${packageDir}${part}`, `${copy}/${part}`, { recursive: true })
      const child = spawn(process.execPath, [`${copy}/bin/pkce-auth-mock-server.js`, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
      try {
        const { issuer, output } = await issuerOf(child)
        const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()
        expect(metadata.token_endpoint).toBe(`${issuer}/v2/oauth/token`)
        expect(output()).not.toContain('ERR_MODULE_NOT_FOUND')
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
        child.kill('SIGTERM')
        expect(await exited).toBe(0)
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL')
      }
    } finally {
      await rm(copy, { recursive: true, force: true })
    }
  }, 30_000)

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
