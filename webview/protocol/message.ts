/**
 * A posted value shaped like a message of some panel protocol: an object with a `type`. What
 * arrives on either side of a webview is unknown until a protocol's guard has checked it; the
 * guards start here and check the type and fields of their own messages.
 */
export function isMessage(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}
