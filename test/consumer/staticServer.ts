// A static server on 127.0.0.1 for the consumer app: fixed routes first (the README's script-tag page),
// then files of the Vite build, and index.html for any other path (the app's /callback). Every page is
// served under `Content-Security-Policy: script-src 'self'`.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'

/** The policy every page is served with: scripts from the page's origin only, no inline, no eval. */
export const strictCsp = "script-src 'self'"

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
}

/** What {@link startStaticServer} resolves to. */
export interface StaticServer {
  url: string
  /** Serves `body` at `path` (the extension gives the type), before the files. */
  route(path: string, body: string | Buffer): void
  /** Serves the files of `dir` (a Vite `dist`). */
  serveDir(dir: string): void
  close(): Promise<void>
}

/** Starts the server on a free port; nothing is served until routes or a folder are added. */
export async function startStaticServer(): Promise<StaticServer> {
  const routes = new Map<string, string | Buffer>()
  let dir: string | undefined
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const send = (path: string, body: string | Buffer) => {
      const type = types[extname(path)] ?? 'application/octet-stream'
      response.writeHead(200, { 'content-type': type, 'content-security-policy': strictCsp, 'cache-control': 'no-store' })
      response.end(body)
    }
    if (pathname === '/favicon.ico') return void response.writeHead(204).end()
    const route = routes.get(pathname)
    if (route !== undefined) return send(pathname, route)
    if (dir === undefined) return void response.writeHead(404).end()
    const file = join(dir, normalize(pathname).replace(/^(\.\.[/\\])+/, ''))
    const body = await readFile(file).catch(() => undefined)
    if (body && extname(file)) return send(file, body)
    if (extname(pathname)) return void response.writeHead(404).end()
    send('index.html', await readFile(join(dir, 'index.html')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    route: (path, body) => void routes.set(path, body),
    serveDir: (path) => void (dir = path),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
