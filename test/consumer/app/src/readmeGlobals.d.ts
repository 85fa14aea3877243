// Names the READMEs' runnable snippets leave to the reader's app (see src/readme/, written by the test).
import type { AuthState } from '@pkce-auth/core'

declare global {
  /** The TypeScript quick start's `render(auth.getState())`. */
  function render(state: AuthState): void
  /** The Telnyx quick start's `telnyx.oauthClients.get(id)`. */
  const id: string
}
