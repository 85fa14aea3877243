// `npm run size`: prints the size of a minimal app for each entry and the growth each add-on brings
// (see sizes.mjs), and fails when a budget is exceeded. The test command checks the same budgets.
import { measureSizes } from './sizes.mjs'

const rows = await measureSizes()
console.log('min+gzip (gzip -9) of each minified bundle, in bytes; add-ons as the growth of the core app')
console.table(rows.map(({ name, esbuild = '-', rolldown, budget, ok }) => ({
  entry: name,
  'esbuild (B)': esbuild,
  'rolldown (B)': rolldown,
  'budget (B)': budget,
  ok: ok ? 'yes' : 'OVER',
})))
if (rows.some((row) => !row.ok)) {
  console.error('size: a budget is exceeded')
  process.exit(1)
}
