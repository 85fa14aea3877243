import { describe, expect, it } from 'vitest'
import * as server from '@pkce-auth/mock-server'

describe('@pkce-auth/mock-server', () => {
  it('imports', () => {
    expect(server).toBeTypeOf('object')
  })
})
