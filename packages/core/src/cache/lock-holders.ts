// Owns naming the processes that hold a lock on a file, for a message that says what to wait for
// or end. Linux only (/proc/locks); elsewhere nobody is named. Leaves locking to cache-lock.ts.
import { readFileSync, statSync } from 'node:fs';

export interface LockHolder {
  pid: number;
  /** Its command line, shortened; empty when it cannot be read. */
  command: string;
}

/** The other processes holding a POSIX lock (as SQLite takes them) on any of `files`. */
export function lockHolders(files: readonly string[]): LockHolder[] {
  const inodes = new Set<string>();
  for (const file of files) {
    const ino = statSync(file, { throwIfNoEntry: false })?.ino;
    if (ino !== undefined) inodes.add(String(ino));
  }
  let table: string;
  try {
    table = readFileSync('/proc/locks', 'utf8');
  } catch {
    return []; // not Linux, or /proc is not mounted: the message goes without names
  }
  const pids = new Set<number>();
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  READ 24154 fe:00:2146331 1073741826 1073742335"; "->" marks a waiter.
    const m = /^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    if (m && inodes.has(m[2]!) && Number(m[1]) !== process.pid) pids.add(Number(m[1]));
  }
  return [...pids].sort((a, b) => a - b).map((pid) => ({ pid, command: commandOf(pid) }));
}

function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const command = argv.join(' ');
    return command.length > 80 ? `${command.slice(0, 77)}...` : command;
  } catch {
    return '';
  }
}

/** ` (pid 12: node hold.mjs, pid 13)`, or nothing when the holders cannot be known. */
export function holdersWords(holders: readonly LockHolder[]): string {
  if (holders.length === 0) return '';
  return ` (${holders.map((h) => `pid ${h.pid}${h.command ? `: ${h.command}` : ''}`).join(', ')})`;
}
