import { describe, expect, it } from 'vitest'
import { createTestClient } from '../../../../test/helpers/createTestClient'

describe('review: returnTo', () => {
  it.each(['/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example'])(
    'refuses %j, which a URL parser reads as another origin',
    async (returnTo) => {
      const test = createTestClient()
      expect(new URL(returnTo, 'https://app.test').origin).not.toBe('https://app.test')
      await expect(test.auth.signIn({ returnTo })).rejects.toThrow(TypeError)
    },
  )
})
