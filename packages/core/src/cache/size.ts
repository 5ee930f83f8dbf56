// Owns reading sizes people write ("500MB", "2G", "1048576") as bytes (powers of 1024).
// Leaves where sizes come from (flags, JUNI_CACHE_MAX_SIZE) to the callers.

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;

export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const factor = unit === 'g' ? 1024 ** 3 : unit === 'm' ? 1024 ** 2 : unit === 'k' ? 1024 : 1;
  return Math.round(Number(m[1]) * factor);
}
