import type { ComponentType } from 'react'
import { RequireAuth } from './RequireAuth'
import type { RequireAuthProps } from './RequireAuth'

/**
 * Wraps a component in {@link RequireAuth}: it renders only for signed-in users, and signing in
 * starts when signed out. Handy for route-level pages.
 *
 * @example
 * export default withRequireAuth(SettingsPage, { fallback: <Spinner /> })
 */
export function withRequireAuth<P extends object>(
  Component: ComponentType<P>,
  options?: Omit<RequireAuthProps, 'children'>,
): ComponentType<P> {
  const Wrapped = (props: P) => (
    <RequireAuth {...options}>
      <Component {...props} />
    </RequireAuth>
  )
  Wrapped.displayName = `withRequireAuth(${Component.displayName ?? Component.name ?? 'Component'})`
  return Wrapped
}
