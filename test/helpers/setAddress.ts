/** Sets the page address in happy-dom, as a navigation to `url` would (happy-dom only). */
export function setAddress(url: string) {
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)
}
