/** Property names the script-tag build shortens: internal to the file, never public or stored. */
export const internalNames: string[]
/** Builds the script-tag file in memory: `{ js, map }` (the source map as JSON text). */
export function buildScriptTag(): Promise<{ js: string; map: string }>
