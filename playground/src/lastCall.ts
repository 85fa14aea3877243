import { useSyncExternalStore } from 'react'

/** What the last Telnyx API call sent: its `Authorization` scheme (`Bearer` or `DPoP`) and its `DPoP` proof. */
export interface LastCall {
  scheme: string
  proof: string | undefined
}

let last: LastCall | undefined
const listeners = new Set<() => void>()

/** `fetch` for the Telnyx client that notes what each request carries, for the DPoP card to show. */
export function recordingFetch(input: string, init: RequestInit) {
  const headers = new Headers(init.headers)
  last = { scheme: headers.get('authorization')?.split(' ')[0] ?? 'none', proof: headers.get('dpop') ?? undefined }
  for (const listener of listeners) listener()
  return fetch(input, init)
}

/** The last API call's {@link LastCall}, re-rendering when another one goes out. */
export function useLastCall(): LastCall | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => last,
  )
}
