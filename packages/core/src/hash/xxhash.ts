// Owns the one hash function behind keys and file contents: xxhash64 (xxhash-wasm), as hex.
// Leaves deciding what goes into a key to node-key.ts and caching file hashes to file-hasher.ts.
import xxhash from 'xxhash-wasm';

export interface Hasher {
  /** 16 hex characters. */
  string(input: string): string;
  /** A property, so it can be handed around on its own (to the zip writer's content checks). */
  bytes: (input: Uint8Array) => string;
  /** Incremental hashing for large files. */
  stream(): { update(chunk: Uint8Array): void; digest(): string };
}

/** Instantiates the WebAssembly hasher; one per build. */
export async function loadHasher(): Promise<Hasher> {
  const api = await xxhash();
  const hex = (n: bigint): string => n.toString(16).padStart(16, '0');
  return {
    string: (input) => api.h64ToString(input),
    bytes: (input) => hex(api.h64Raw(input)),
    stream: () => {
      const h = api.create64();
      return {
        update: (chunk) => void h.update(chunk),
        digest: () => hex(h.digest()),
      };
    },
  };
}

/** JSON with object keys sorted, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    // No prototype: a key named `__proto__` (a file can be) is then an ordinary key, not dropped.
    const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
