// Owns the one test of a path handed over by something juni does not control (a zip's entry, a
// container's tar): a plain relative path that stays below where it is unpacked. Leaves what to
// do with a refused one to the caller.

/** '/'-separated, not absolute, no empty, `.` or `..` part, no NUL. */
export function isPlainRelativePath(p: string): boolean {
  return p !== '' && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0'));
}
