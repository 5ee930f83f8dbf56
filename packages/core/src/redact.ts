// Owns keeping credentials out of everything juni prints or records: the user-info part of any
// URL (`https://user:token@host`) becomes `***`. Leaves deciding what to print to the CLI.

/** scheme://user[:password]@ — the user part alone can be a token, so all of it goes. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi;

/** `text` with the credentials of every URL in it replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.includes('@') ? text.replace(USERINFO, '$1***@') : text;
}

/** A copy of `value` with every string redacted (events and reports are plain data). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
