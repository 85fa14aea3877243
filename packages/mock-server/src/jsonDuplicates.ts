/**
 * The first member name that repeats within one object of a JSON text that `JSON.parse` accepted, or
 * `undefined`. `JSON.parse` keeps the last of repeated names silently; a server that acts on parameters
 * must refuse them instead (as it refuses repeated form parameters), so two parsers never disagree.
 */
export function duplicateJsonKey(text: string): string | undefined {
  // One set of names per open object, `undefined` for an open array.
  const stack: Array<Set<string> | undefined> = []
  let expectingName = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const names = stack[stack.length - 1]
      if (expectingName && names) {
        // Decoded, so "a" and "\u0061" are the same name.
        const name = JSON.parse(text.slice(i, end + 1)) as string
        if (names.has(name)) return name
        names.add(name)
      }
      expectingName = false
      i = end
    } else if (char === '{') {
      stack.push(new Set())
      expectingName = true
    } else if (char === '[') {
      stack.push(undefined)
      expectingName = false
    } else if (char === '}' || char === ']') {
      stack.pop()
    } else if (char === ',') {
      expectingName = stack[stack.length - 1] !== undefined
    }
  }
  return undefined
}
