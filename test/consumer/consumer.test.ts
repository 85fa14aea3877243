// What a user installs, tried as a user does: every package packed with `npm pack`, installed into a
// fresh Vite + React + TypeScript app outside the repository, typechecked by the app's own tsc (the
// READMEs' runnable blocks included), built by Vite, and driven in Chromium against the mock server
// started from the installed package's bin. The README's script-tag page runs as written, under a
// strict CSP. Nothing here imports the sources: the tarballs are all there is.
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs, chromiumPath } from '../e2e/harness'
import { ensureBuilt, packageNames, root } from './builtPackages'
import { placeholders, readmeBlocks } from './readmeBlocks'
import { startStaticServer, strictCsp } from './staticServer'
import type { StaticServer } from './staticServer'

const exec = promisify(execFile)
const clientId = 'consumer-app'
const template = fileURLToPath(new URL('./app/', import.meta.url))

// Under `npm test`, npm's own settings are in the environment (npm_config_local_prefix names this
// repository): a child npm would install into the workspace. The app's commands get none of them.
const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'])
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.has(name.toLowerCase())))

/** Runs a command, failing with its output (a tsc or npm error is the test's message). */
async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    return await exec(command, args, { env: userEnv, ...options, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`)
  }
}

function freePort(): Promise<number> {
  const server = createServer()
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    }),
  )
}

/** The app's package.json: the tarballs, and the root's own pinned versions (npm's cache has them). */
function appPackageJson(tarballs: Record<string, string>) {
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>
  const pick = (names: string[]) => Object.fromEntries(names.map((name) => [name, pinned[name]]))
  return {
    name: 'consumer-app',
    private: true,
    type: 'module',
    dependencies: {
      '@pkce-auth/core': tarballs['@pkce-auth/core'],
      '@pkce-auth/react': tarballs['@pkce-auth/react'],
      '@pkce-auth/telnyx': tarballs['@pkce-auth/telnyx'],
      '@pkce-auth/vue': tarballs['@pkce-auth/vue'],
      '@pkce-auth/svelte': tarballs['@pkce-auth/svelte'],
      ...pick(['react', 'react-dom', 'vue', 'vue-router', 'svelte']),
    },
    devDependencies: {
      '@pkce-auth/mock-server': tarballs['@pkce-auth/mock-server'],
      ...pick(['@types/react', '@types/react-dom', '@vitejs/plugin-react', 'typescript', 'vite']),
    },
  }
}

describe('the packed packages in a fresh Vite + React + TypeScript app', () => {
  const work = mkdtempSync(join(tmpdir(), 'pkce-auth-consumer-'))
  const app = join(work, 'app')
  const blocks = readmeBlocks()
  let packed: Array<{ name: string; filename: string; files: Array<{ path: string }> }>
  let site: StaticServer
  let mockUrl: string
  let mock: ChildProcess | undefined
  let mockOutput = ''
  let browser: Browser

  const mockRequests = async () => (await (await fetch(`${mockUrl}/__mock/requests`)).json()) as Array<{ method: string; path: string; status: number }>
  const clearMockRequests = () => fetch(`${mockUrl}/__mock/requests`, { method: 'DELETE' })
  const tokenRequests = async () => (await mockRequests()).filter((entry) => entry.path === '/v2/oauth/token')

  /** Exceptions and console errors of a page, and CSP violations the browser reported. */
  const watch = async (context: BrowserContext, page: Page) => {
    await context.addInitScript(() => {
      const w = window as unknown as { violations: string[] }
      w.violations = []
      document.addEventListener('securitypolicyviolation', (event) => w.violations.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())))
    return { errors, violations: () => page.evaluate(() => (window as unknown as { violations: string[] }).violations) }
  }

  const signInThroughConsent = async (page: Page) => {
    await page.click('#sign-in')
    await page.waitForURL((url) => url.pathname.includes('/consent'))
    await page.click('#allow:not([disabled])')
    await page.waitForURL((url) => url.origin === site.url)
  }
  const text = (page: Page, selector: string) => page.locator(selector).textContent()

  beforeAll(async () => {
    await ensureBuilt()
    const tarballs = join(work, 'tarballs')
    mkdirSync(tarballs)
    const workspaces = packageNames.flatMap((name) => ['--workspace', `packages/${name}`])
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...workspaces], { cwd: root })
    packed = JSON.parse(stdout)

    cpSync(template, app, { recursive: true })
    mkdirSync(join(app, 'src/readme'))
    for (const block of blocks.filter((block) => block.lang === 'ts' || block.lang === 'tsx')) {
      const name = `${block.file.replace(/\/?README\.md$/, '').replace(/\W+/g, '-') || 'root'}-line-${block.line}.${block.lang}`
      writeFileSync(join(app, 'src/readme', name), `// ${block.file}, line ${block.line}\n${block.code}\nexport {}\n`)
    }
    const files = Object.fromEntries(packed.map((entry) => [entry.name, `file:${join(tarballs, entry.filename)}`]))
    writeFileSync(join(app, 'package.json'), JSON.stringify(appPackageJson(files), null, 2))
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app })

    // The mock server from the installed package's bin, told the app's redirect URIs.
    site = await startStaticServer()
    const port = await freePort()
    mockUrl = `http://127.0.0.1:${port}`
    mock = spawn(
      join(app, 'node_modules/.bin/pkce-auth-mock-server'),
      ['--port', String(port), '--client-id', clientId, '--redirect-uri', `${site.url}/callback`, '--redirect-uri', `${site.url}/plain.html`],
      { cwd: app, env: userEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    mock.stdout!.on('data', (chunk) => void (mockOutput += chunk))
    mock.stderr!.on('data', (chunk) => void (mockOutput += chunk))
    const deadline = Date.now() + 15_000
    while (!(await fetch(`${mockUrl}/.well-known/oauth-authorization-server`).then((response) => response.ok, () => false))) {
      if (mock.exitCode !== null || Date.now() > deadline) throw new Error(`pkce-auth-mock-server did not start:\n${mockOutput}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  })

  afterAll(async () => {
    await browser?.close()
    mock?.kill()
    await site?.close()
    // Chromium's helpers may still be letting go of the profile for a moment after close.
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
  })

  it('installs one copy of each package from its tarball, each with README, LICENSE and its dist', () => {
    expect(packed.map((entry) => entry.name).sort()).toEqual(packageNames.map((name) => `@pkce-auth/${name}`).sort())
    for (const entry of packed) {
      const paths = entry.files.map((file) => file.path)
      expect(paths, entry.name).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']))
    }
    for (const name of packageNames) {
      expect(existsSync(join(app, 'node_modules/@pkce-auth', name, 'package.json'))).toBe(true)
      // A package's own copy of another: the duplicate the peer dependencies keep out.
      expect(existsSync(join(app, 'node_modules/@pkce-auth', name, 'node_modules/@pkce-auth'))).toBe(false)
    }
    const requireFromApp = createRequire(join(app, 'package.json'))
    expect(requireFromApp.resolve('@pkce-auth/core/global')).toBe(join(app, 'node_modules/@pkce-auth/core/dist/pkce-auth.global.js'))
  })

  it("typechecks with the app's own tsc, the READMEs' runnable TypeScript blocks included", async () => {
    // The quick starts at least: React, TypeScript and Telnyx in the root README, one in each package's.
    const typed = blocks.filter((block) => block.lang === 'ts' || block.lang === 'tsx')
    expect(typed.filter((block) => block.file === 'README.md').length).toBeGreaterThanOrEqual(3)
    expect(new Set(typed.map((block) => block.file))).toEqual(
      new Set(['README.md', 'packages/core/README.md', 'packages/react/README.md', 'packages/telnyx/README.md', 'packages/vue/README.md', 'packages/svelte/README.md']),
    )
    await run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app })
  })

  it('builds with Vite, the script-tag file reachable as @pkce-auth/core/global?url', async () => {
    const env = { ...userEnv, VITE_ISSUER: mockUrl, VITE_CLIENT_ID: clientId }
    await run(join(app, 'node_modules/.bin/vite'), ['build'], { cwd: app, env })
    site.serveDir(join(app, 'dist'))
    const installed = readFileSync(join(app, 'node_modules/@pkce-auth/core/dist/pkce-auth.global.js'))
    site.route('/pkce-auth.global.js', installed)
    expect(readdirSync(join(app, 'dist/assets')).filter((file) => /^pkce-auth\.global.*\.js$/.test(file))).toHaveLength(1)
  })

  it('signs in through consent, restores on reload with no token request, calls Telnyx, signs out (Chromium)', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const { errors, violations } = await watch(context, page)
    const response = await page.goto(`${site.url}/`)
    expect(response?.headers()['content-security-policy']).toBe(strictCsp)
    await expect.poll(() => text(page, '#status')).toBe('signedOut')

    await signInThroughConsent(page)
    await expect.poll(() => text(page, '#status')).toBe('signedIn')
    expect(new URL(page.url()).pathname).toBe('/')
    expect(new URL(page.url()).search).toBe('')
    expect(await text(page, '#user')).toBe('Ada Lovelace')

    await clearMockRequests()
    await page.reload()
    await expect.poll(() => text(page, '#status')).toBe('signedIn')
    expect(await tokenRequests()).toEqual([])

    await page.click('#list-grants')
    await expect.poll(() => text(page, '#output')).toBe(`1 grant(s): ${clientId}`)
    const grantCalls = (await mockRequests()).filter((entry) => entry.path === '/v2/oauth_grants' && entry.method === 'GET')
    expect(grantCalls).toMatchObject([{ status: 200 }])

    // The ?url import gave the installed script-tag file, byte for byte.
    const scriptUrl = new URL((await page.locator('#global-script').getAttribute('href'))!, site.url)
    expect(Buffer.from(await (await fetch(scriptUrl)).arrayBuffer()).equals(readFileSync(join(app, 'node_modules/@pkce-auth/core/dist/pkce-auth.global.js')))).toBe(true)

    await page.click('#sign-out')
    await expect.poll(() => text(page, '#status')).toBe('signedOut')
    await expect.poll(async () => (await mockRequests()).filter((entry) => entry.path === '/v2/oauth/revoke').length).toBeGreaterThan(0)

    // Signed out, the provider's client and the Telnyx client reject with the AuthError of @pkce-auth/core.
    await page.click('#errors')
    await expect.poll(() => text(page, '#output')).toBe('AuthError login_required | AuthError login_required')

    expect(await violations()).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it("runs the README's script-tag page as written, in a classic script under script-src 'self'", async () => {
    const [html, js] = [blocks.filter((block) => block.lang === 'html'), blocks.filter((block) => block.lang === 'js')]
    expect([html.length, js.length]).toEqual([1, 1])
    expect(html[0]!.code).toContain('<script src="/app.js"></script>')
    site.route('/plain.html', html[0]!.code)
    site.route('/app.js', js[0]!.code.replace(placeholders.issuer, mockUrl).replace(placeholders.clientId, clientId))

    const context = await browser.newContext()
    const page = await context.newPage()
    const { errors, violations } = await watch(context, page)
    const response = await page.goto(`${site.url}/plain.html`)
    expect(response?.headers()['content-security-policy']).toBe(strictCsp)
    await expect.poll(() => text(page, '#status')).toBe('signedOut')

    await signInThroughConsent(page)
    await expect.poll(() => text(page, '#status')).toBe('signedIn')
    expect(new URL(page.url()).search).toBe('')

    await page.click('#sign-out')
    await expect.poll(() => text(page, '#status')).toBe('signedOut')
    expect(await violations()).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  // docs/security.md: a non-extractable key is out of reach of script, not of the disk. Chromium keeps
  // its bytes in the profile, so a copy of the profile directory decrypts the session.
  it('a copy of the browser profile directory holds a session that decrypts and works (Chromium)', async () => {
    const launch = (dir: string) => chromium.launchPersistentContext(dir, { executablePath: chromiumPath, args: chromiumArgs })
    const [original, copy] = [join(work, 'profile'), join(work, 'profile-copy')]
    const first = await launch(original)
    const page = await first.newPage()
    await page.goto(`${site.url}/plain.html`)
    await expect.poll(() => text(page, '#status')).toBe('signedOut')
    await signInThroughConsent(page)
    await expect.poll(() => text(page, '#status')).toBe('signedIn')
    const token = await page.evaluate('auth.getAccessToken()')
    await first.close()

    cpSync(original, copy, { recursive: true })
    rmSync(original, { recursive: true })
    await clearMockRequests()
    const second = await launch(copy)
    const copied = await second.newPage()
    await copied.goto(`${site.url}/plain.html`)
    await expect.poll(() => text(copied, '#status')).toBe('signedIn')
    // The stored token itself, decrypted from the copy: the same one, and no new one was asked for.
    expect(await copied.evaluate('auth.getAccessToken()')).toBe(token)
    expect(await tokenRequests()).toEqual([])
    await second.close()
  })
})
