import type { MockUserSeed } from './mockServerOptions'

/** The portal's users; the first one is the user signed in on the consent page. */
export interface UserStore {
  get(id: string): MockUserSeed | undefined
  /** Adds (or replaces) a user. */
  add(seed: MockUserSeed): MockUserSeed
  list(): MockUserSeed[]
  /** The user signed in by default: the first one. */
  signedIn(): MockUserSeed
  /** The user a `login_hint` (id or email) names, if any. */
  findByHint(hint: string): MockUserSeed | undefined
}

/** Creates the user store from the seeds (at least one user is required). */
export function createUserStore(seeds: MockUserSeed[]): UserStore {
  const users = new Map<string, MockUserSeed>()
  const add = (seed: MockUserSeed) => {
    if (typeof seed.id !== 'string' || seed.id === '') throw new TypeError('a user needs a non-empty "id"')
    const user = { id: seed.id, email: seed.email, name: seed.name }
    users.set(user.id, user)
    return user
  }
  for (const seed of seeds) add(seed)
  if (users.size === 0) throw new TypeError('"users" must not be empty')
  return {
    get: (id) => users.get(id),
    add,
    list: () => [...users.values()],
    signedIn: () => users.values().next().value as MockUserSeed,
    findByHint: (hint) =>
      users.get(hint) ?? [...users.values()].find((user) => user.email.toLowerCase() === hint.toLowerCase()),
  }
}
