// Owns the exhaustiveness check used at the end of every `switch` over a union's `kind`.
// Leaves nothing to others.

/** Called in the `default` of an exhaustive switch; a type error if a case is missing. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
