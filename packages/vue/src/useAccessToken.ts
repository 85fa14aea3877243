import { computed, shallowRef, watch } from 'vue'
import type { Ref } from 'vue'
import type { AuthClient, AuthError } from '@pkce-auth/core'
import { useAuth, useAuthClient } from './useAuth'

/** What {@link useAccessToken} returns; both `undefined` while loading or signed out. */
export interface AccessTokenResult {
  token: Readonly<Ref<string | undefined>>
  error: Readonly<Ref<AuthError | undefined>>
}

type Fetched = { expiresAt: number; token?: string; error?: AuthError }

/**
 * A valid access token for rendering-time needs (an `<img>` URL, a WebSocket), fetched with
 * `getAccessToken()` and again whenever the session's `expiresAt` changes (a refresh, a new sign-in).
 * For requests prefer `useAuth().fetch`. A token is never shown past its expiry or after sign-out;
 * `error` is the `AuthError` `getAccessToken` rejected with.
 *
 * @throws {Error} When called outside `setup()`, or without the plugin.
 */
export function useAccessToken(): AccessTokenResult {
  const client = useAuthClient()
  const { state } = useAuth()
  const expiresAt = computed(() => (state.value.status === 'signedIn' ? state.value.expiresAt : undefined))
  const stateError = computed(() => (state.value.status === 'signedIn' ? state.value.error : undefined))
  const fetched = shallowRef<Fetched>()
  // Keyed by expiresAt, so a result that belongs to another session or token is never shown.
  const current = computed(() => (fetched.value?.expiresAt === expiresAt.value ? fetched.value : undefined))
  const set = (next: Fetched) => void (fetched.value = next)

  watch([expiresAt, stateError], ([at, error], before, onCleanup) => {
    if (at === undefined) return
    // A failed refresh (a new `error`) may mean the token in hand has lapsed: ask again, without a
    // refresh while it is still valid (`minValidity: 0`).
    const stop = [ask(client, at, set, error && before?.[0] === at ? 0 : undefined)]
    // While refreshes keep failing, the token goes at expiry and the client is asked again.
    const timer = setTimeout(() => {
      set({ expiresAt: at })
      stop.push(ask(client, at, set, 0))
    }, Math.min(at - Date.now(), 2 ** 31 - 1))
    onCleanup(() => {
      clearTimeout(timer)
      for (const ignore of stop) ignore()
    })
  }, { immediate: true })

  return { token: computed(() => current.value?.token), error: computed(() => current.value?.error) }
}

/** Fetches a token for the session that expires at `expiresAt`; returns the function that ignores the answer. */
function ask(client: AuthClient, expiresAt: number, set: (fetched: Fetched) => void, minValidity?: number) {
  let active = true
  client.getAccessToken(minValidity === undefined ? undefined : { minValidity }).then(
    (token) => active && set({ expiresAt, token }),
    (error: AuthError) => active && set({ expiresAt, error }),
  )
  return () => {
    active = false
  }
}
