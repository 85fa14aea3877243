import { fileURLToPath } from 'node:url'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'
import { defineConfig } from 'vitest/config'

const pkg = (name: string, file = 'index') => fileURLToPath(new URL(`./packages/${name}/src/${file}.ts`, import.meta.url))

// The tests and the playground import packages by name; these aliases point the names at the
// sources, so they exercise exactly what users import, with no build step. Subpath entries come
// first: an alias also matches the names below it.
export const alias = {
  '@pkce-auth/core/lease-lock': pkg('core', 'leaseLock'),
  '@pkce-auth/core/popup': pkg('core', 'popup'),
  '@pkce-auth/core/resources': pkg('core', 'resources'),
  '@pkce-auth/core/dpop': pkg('core', 'dpop'),
  '@pkce-auth/core': pkg('core'),
  '@pkce-auth/react': pkg('react'),
  '@pkce-auth/vue': pkg('vue'),
  '@pkce-auth/svelte': pkg('svelte'),
  '@pkce-auth/telnyx': pkg('telnyx'),
  '@pkce-auth/mock-server': pkg('mock-server'),
}

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/helpers/summaryReporter.ts'],
    // The interop suite's oidc-provider notes that its development defaults (in-memory adapter, keys) are in use.
    onConsoleLog: (log) => !log.startsWith('oidc-provider '),
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['packages/{core,react,telnyx,vue}/test/**/*.test.{ts,tsx}'],
          setupFiles: ['test/helpers/setupUnit.ts'],
          typecheck: { enabled: false },
        },
      },
      {
        // @pkce-auth/svelte with components compiled by the Svelte plugin, Svelte's browser build resolved.
        plugins: [svelte({ configFile: false }), svelteTesting()],
        resolve: { alias },
        test: {
          name: 'svelte',
          environment: 'happy-dom',
          include: ['packages/svelte/test/**/*.test.ts'],
          setupFiles: ['test/helpers/setupUnit.ts'],
        },
      },
      {
        // The Svelte plugin compiles components for the server here (svelte-ssr.test.ts).
        plugins: [svelte({ configFile: false })],
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/mock-server/test/**/*.test.ts', 'test/node/**/*.test.{ts,tsx}'],
        },
      },
      {
        resolve: { alias },
        test: {
          // End-to-end: Node drives Debian's Chromium (playwright-core) against the mock server on 127.0.0.1.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          // Interop: the core in Chromium against panva's oidc-provider, started on 127.0.0.1 by the tests.
          name: 'interop',
          environment: 'node',
          include: ['test/interop/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // What users install: the built packages' boundaries, and a fresh app from the packed tarballs
          // (npm install, its own tsc, Vite, Chromium). No aliases: nothing here imports the sources.
          name: 'consumer',
          environment: 'node',
          include: ['test/consumer/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
