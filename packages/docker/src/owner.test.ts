import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatOwner, ownerIsGone, type Owner, parseOwner, parseProcStat, thisProcess } from './owner.js';

test('parseProcStat reads the state and start time past a command name with spaces and parentheses', () => {
  const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '98765', '0'];
  assert.deepEqual(parseProcStat(`123 (a) b (c)) ${fields.join(' ')}`), { state: 'S', start: '98765' });
  assert.equal(parseProcStat('123 (cut short) S 1'), undefined);
});

test('an owner label round-trips; a bare pid (older juni) or a bad pid names no owner', () => {
  const self = thisProcess();
  assert.deepEqual(parseOwner(formatOwner(self)), self);
  assert.equal(parseOwner('1234'), undefined);
  assert.equal(parseOwner('{"host":"h","pid":0}'), undefined);
  assert.equal(parseOwner(undefined), undefined);
});

test('this process is alive; a process that exited is gone; another host or pid namespace is never judged', async () => {
  const self = thisProcess();
  assert.ok(self.boot && self.pidns && self.start, 'Linux gives the whole identity');
  assert.equal(ownerIsGone(self, self), false);
  assert.equal(ownerIsGone({ ...self, start: String(Number(self.start) + 1) }, self), true, 'the pid was reused');

  // Runs until killed, so its /proc entry is there to read.
  const child = spawn('sleep', ['600']);
  const owner = {
    ...self,
    pid: child.pid!,
    start: parseProcStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))!.start,
  };
  assert.equal(ownerIsGone(owner, self), false, 'a live process');
  const closed = new Promise((r) => child.on('close', r));
  child.kill('SIGKILL');
  await closed;
  assert.equal(ownerIsGone(owner, self), true);
  assert.equal(ownerIsGone({ ...owner, host: `not-${self.host}` }, self), false);
  assert.equal(ownerIsGone({ ...owner, pidns: 'pid:[1]' }, self), false);
  const withoutStart: Owner = { ...owner };
  delete withoutStart.start;
  assert.equal(ownerIsGone(withoutStart, self), false, 'an identity without a start time cannot be proven gone');
});
