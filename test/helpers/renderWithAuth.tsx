import { render } from '@testing-library/react'
import type { RenderResult } from '@testing-library/react'
import type { ReactElement, ReactNode } from 'react'
import { AuthProvider } from '@pkce-auth/react'
import type { AuthClient, AuthProviderProps } from '@pkce-auth/react'

/** Options of {@link renderWithAuth}. */
export interface RenderWithAuthOptions {
  /** Render inside `<StrictMode>` (double render, double effects), as apps do in development. */
  strict?: boolean
  onRedirect?: AuthProviderProps['onRedirect']
}

/**
 * Renders `ui` inside an `<AuthProvider>` for `client`, the way an app does; `rerender` keeps the
 * provider. Drive the client directly and assert on what the user sees.
 */
export function renderWithAuth(client: AuthClient, ui: ReactElement, options: RenderWithAuthOptions = {}): RenderResult {
  const { strict = false, onRedirect } = options
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AuthProvider client={client} onRedirect={onRedirect}>
      {children}
    </AuthProvider>
  )
  return render(ui, { wrapper, reactStrictMode: strict })
}
