// The script-tag build's entry (`pkce-auth.global.js`, `window.PkceAuth`): the core and every add-on,
// since a page loading one file cannot pick its parts.
export * from './index'
export { leaseLock } from './leaseLock'
export { signInWithPopup } from './popup'
export { forResource } from './resources'
export { dpop } from './dpop'
