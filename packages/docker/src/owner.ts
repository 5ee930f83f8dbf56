// Owns who created a container: this process's identity as written in the `dev.juni.owner` label,
// and whether the process an identity names is provably gone. Leaves the containers to leftovers.ts.
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { isAlive } from '@juni/core';

export const OWNER_LABEL = 'dev.juni.owner';

/**
 * A process, told apart from every other on every host: a pid alone is reused, and the same pid
 * lives in other pid namespaces (containers) and on other hosts sharing a remote engine. `boot`,
 * `pidns` and `start` are Linux's (absent elsewhere, where no owner can be proven gone).
 */
export interface Owner {
  host: string;
  /** The kernel's random boot id: the same on this host until it reboots. */
  boot?: string;
  /** The pid namespace, e.g. `pid:[4026531836]`: containers sharing a kernel differ here. */
  pidns?: string;
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  start?: string;
}

/** What /proc says about a process: its state letter (`Z` for an exited, unreaped one) and start time. */
export function parseProcStat(text: string): { state: string; start: string } | undefined {
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : undefined;
}

function read(file: string, how: 'file' | 'link'): string | undefined {
  try {
    return how === 'file' ? readFileSync(file, 'utf8').trim() : readlinkSync(file);
  } catch {
    // No /proc (macOS, Windows): the identity lacks what would prove its process gone.
    return undefined;
  }
}

/** This process, as its containers' owner label names it. */
export function thisProcess(): Owner {
  const stat = read('/proc/self/stat', 'file');
  const start = stat === undefined ? undefined : parseProcStat(stat)?.start;
  const boot = read('/proc/sys/kernel/random/boot_id', 'file');
  const pidns = read('/proc/self/ns/pid', 'link');
  return {
    host: os.hostname(),
    ...(boot ? { boot } : {}),
    ...(pidns ? { pidns } : {}),
    pid: process.pid,
    ...(start ? { start } : {}),
  };
}

export function formatOwner(owner: Owner): string {
  return JSON.stringify(owner);
}

/** The owner a label names; undefined for anything else (e.g. older juni's bare pid). */
export function parseOwner(label: string | undefined): Owner | undefined {
  if (label === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(label);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.host !== 'string' || typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid < 1)
    return undefined;
  const text = (k: string): Record<string, string> => (typeof o[k] === 'string' ? { [k]: o[k] } : {});
  return { host: o.host, pid: o.pid, ...text('boot'), ...text('pidns'), ...text('start') };
}

/**
 * True only when `owner` ran where `self` runs (same host, boot and pid namespace) and no longer
 * does: its pid is free, or now belongs to a process started at another time, or has exited.
 * Anything juni cannot check (another host, another container, no /proc, another user's process
 * hidden by /proc's hidepid) counts as alive: a live build must never lose its containers.
 */
export function ownerIsGone(owner: Owner, self: Owner): boolean {
  if (owner.boot === undefined || owner.pidns === undefined || owner.start === undefined) return false;
  if (owner.host !== self.host || owner.boot !== self.boot || owner.pidns !== self.pidns) return false;
  const stat = read(`/proc/${owner.pid}/stat`, 'file');
  if (stat === undefined) return !isAlive(owner.pid);
  const now = parseProcStat(stat);
  if (!now) return false;
  return now.start !== owner.start || now.state === 'Z';
}
