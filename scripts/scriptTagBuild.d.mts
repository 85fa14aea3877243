/** Builds the script-tag file in memory: `{ js, map }` (the source map as JSON text). */
export function buildScriptTag(): Promise<{ js: string; map: string }>
