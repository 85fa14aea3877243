// The size ratchet in the test command: the budgets of `npm run size` (scripts/sizes.mjs).
import { expect, it } from 'vitest'
import { measureSizes } from '../../scripts/sizes.mjs'

it('every entry and add-on stays within its size budget (min+gzip, the larger of esbuild and rolldown)', async () => {
  const rows = await measureSizes()
  expect(rows.map((row) => row.key)).toEqual(['core', 'react', 'vue', 'svelte', 'lease-lock', 'popup', 'resources', 'dpop', 'scriptTag'])
  for (const row of rows) expect(row.checked, `${row.name}: ${row.checked} B, budget ${row.budget} B`).toBeLessThanOrEqual(row.budget)
}, 120_000)
