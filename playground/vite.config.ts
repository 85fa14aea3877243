import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'
import { buildScriptTag } from '../scripts/scriptTagBuild.mjs'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const pkg = (name: string, file = 'index') => here(`../packages/${name}/src/${file}.ts`)

/**
 * The script-tag build of the core, `window.PkceAuth`, made from source as `npm run build` makes it:
 * served at `/pkce-auth.global.js` (and its map) in dev, emitted beside the pages by `vite build`. `plain.js`
 * is a classic script, which Vite does not bundle, so the build copies it as it is.
 */
function scriptTagBuild(): Plugin {
  const bundle = async () => {
    const { js, map } = await buildScriptTag()
    return { 'pkce-auth.global.js': js, 'pkce-auth.global.js.map': map }
  }
  return {
    name: 'pkce-auth-script-tag',
    configureServer(server) {
      server.middlewares.use(async (request, response, next) => {
        const name = request.url?.split('?')[0]?.slice(1)
        if (name !== 'pkce-auth.global.js' && name !== 'pkce-auth.global.js.map') return next()
        try {
          const files = await bundle()
          response.setHeader('content-type', name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8')
          response.setHeader('cache-control', 'no-store')
          response.end(files[name])
        } catch (error) {
          next(error)
        }
      })
    },
    async generateBundle() {
      for (const [fileName, source] of Object.entries(await bundle())) this.emitFile({ type: 'asset', fileName, source })
      this.emitFile({ type: 'asset', fileName: 'plain.js', source: await readFile(here('./plain.js'), 'utf8') })
    },
  }
}

// `npm run dev` serves this on 127.0.0.1:5173, the origin the mock server's seeded client expects.
export default defineConfig({
  root: here('.'),
  plugins: [react(), scriptTagBuild()],
  resolve: {
    // Subpath entries first: an alias also matches the names below it.
    alias: {
      '@pkce-auth/core/dpop': pkg('core', 'dpop'),
      '@pkce-auth/core': pkg('core'),
      '@pkce-auth/react': pkg('react'),
      '@pkce-auth/telnyx': pkg('telnyx'),
    },
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    rolldownOptions: { input: { main: here('./index.html'), plain: here('./plain.html') } },
  },
})
