/**
 * A numeric option that must be a finite, non-negative number; `fallback` when it is not given.
 *
 * @throws {TypeError} naming the option when it is anything else.
 */
export function nonNegativeOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`"${name}" must be a non-negative number`)
  return value
}
