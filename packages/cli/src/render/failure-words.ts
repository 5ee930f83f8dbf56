// Owns the words for a failed node: one line saying what went wrong, then what to do about it,
// naming the CLI's own flags where one helps. Leaves the failures' data to @juni/core.
import path from 'node:path';
import { unreachable, type NodeFailure, type NodeKind } from '@juni/core';
import { formatBytes } from './format.js';
import { describeHandler, handlerDetails } from './handler-words.js';
import { describeNative, nativeDetails } from './native-words.js';

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const count = (n: number): string => n.toLocaleString('en-US');
const WITHOUT_DOCKER = 'or build without Docker: --executor local';

/** One line describing a failure, for summaries and --json's `message`. */
export function describeFailure(failure: NodeFailure): string {
  switch (failure.reason) {
    case 'pip-failed':
      return failure.signal
        ? `pip was stopped by ${failure.signal}`
        : `pip exited with code ${failure.exitCode ?? '?'}`;
    case 'executor-unavailable':
      return (
        `${failure.users.join(', ') || 'this build'} need${failure.users.length === 1 ? 's' : ''} the Docker engine, ` +
        'which this build of juni cannot use'
      );
    case 'input-changed':
      return describeInputChange(failure);
    case 'lambda-limit':
      return describeLimit(failure);
    case 'native-libs':
      return describeNative(failure);
    case 'handler-failed':
    case 'handler-limit':
    case 'runtime-mismatch':
    case 'handler-unset':
      return describeHandler(failure);
    case 'python-missing':
    case 'pip-missing':
    case 'unexpected-error':
    case 'docker-unreachable':
    case 'image-unavailable':
    case 'image-build-failed':
    case 'container-failed':
    case 'input-unsendable':
    case 'io-error':
      return failure.message;
    case 'aborted':
      return 'the build was interrupted';
    default:
      return unreachable(failure);
  }
}

const CHANGE_WORDS: Record<Extract<NodeFailure, { reason: 'input-changed' }>['change'], string> = {
  changed: 'changed',
  'changed size': 'changed size',
  vanished: 'was deleted',
  truncated: 'is truncated',
  'not a regular file': 'is no longer a regular file',
  'no longer referenced': 'is no longer referenced',
  'newly referenced': 'is newly referenced',
};

function describeInputChange(failure: Extract<NodeFailure, { reason: 'input-changed' }>): string {
  const { path: file, change, entry } = failure;
  const what = CHANGE_WORDS[change];
  switch (failure.step) {
    case 'install':
      return `an input changed while installing ${entry} (${file} ${what}); nothing was stored; build again`;
    case 'zip':
      return `an input changed while building ${entry}.zip (${file} ${what} while it was being zipped); nothing was stored; build again`;
    case 'image':
      return `${file} changed while image ${entry} was being built; build again`;
  }
}

function describeLimit(failure: Extract<NodeFailure, { reason: 'lambda-limit' }>): string {
  switch (failure.limit) {
    case 'zip64': {
      const what = failure.overFourGiB ? 'over 4 GiB' : `${failure.entries} files`;
      return (
        `${failure.entry}: the zip would hold ${what}, which needs ZIP64; no Lambda package is that large: ` +
        'trim the includes or the requirements'
      );
    }
    case 'layers':
      return `function ${failure.entry} lists ${failure.layers} layers; Lambda allows at most ${failure.allowed}`;
    case 'unzipped': {
      const largest = failure.contributors
        .slice(0, 5)
        .map((c) => `${c.name} ${mb(c.bytes)}`)
        .join(', ');
      const over = `unzips to ${count(failure.bytes)} bytes, over Lambda's limit of ${count(failure.allowed)}`;
      return `function ${failure.entry} with its layers ${over}; largest: ${largest}`;
    }
  }
}

/**
 * A failure with everything a user needs to act on it: pip's last lines, a hint. `kind` is the
 * failed node's: a check runs in a container whatever the executor, so no hint offers
 * `--executor local` for one.
 */
export function failureDetails(failure: NodeFailure, kind?: NodeKind): string[] {
  const check = kind === 'check';
  const lines = [describeFailure(failure)];
  switch (failure.reason) {
    case 'pip-failed':
    case 'image-build-failed':
      lines.push(...failure.logTail.slice(-20).map((l) => `  | ${l}`));
      break;
    case 'executor-unavailable':
      lines.push(
        check
          ? '  hint: checking a handler runs it in a container: it needs the Docker engine'
          : '  hint: use --executor local (pip on this machine)',
      );
      break;
    case 'docker-unreachable':
      // The engine's side says how to fix the engine; only the CLI knows its own way around it.
      lines.push(`  hint: ${failure.hint}${check ? '' : `, ${WITHOUT_DOCKER}`}`);
      break;
    case 'image-unavailable':
    case 'python-missing':
    case 'pip-missing':
    case 'input-unsendable':
    case 'io-error':
      lines.push(`  hint: ${failure.hint}`);
      break;
    case 'lambda-limit':
      if (failure.limit === 'unzipped') {
        lines.push(...failure.contributors.map((c) => `  ${formatBytes(c.bytes).padStart(10)}  ${c.name}`));
      }
      break;
    case 'native-libs':
      lines.splice(0, 1, ...nativeDetails(failure));
      break;
    case 'handler-failed':
    case 'handler-limit':
    case 'runtime-mismatch':
    case 'handler-unset':
      lines.push(...handlerDetails(failure));
      break;
    case 'unexpected-error':
      lines.push(
        '  this is a bug in juni; please report it with this output:',
        ...(failure.stack ?? '').split('\n').map((l) => `  ${l}`),
      );
      break;
    case 'input-changed':
      // A file written all through the build (a log, a server's socket file) fails every build, so
      // "build again" alone would loop; say how to take it out of the inputs.
      if (failure.step === 'zip' && (failure.change === 'changed' || failure.change === 'changed size')) {
        lines.push(
          `  hint: if ${path.basename(failure.path)} is written while juni builds (a log), leave it out of ` +
            `${failure.entry} (exclude: [${path.basename(failure.path)}]) or write it outside the project`,
        );
      }
      break;
    case 'container-failed':
    case 'aborted':
      break;
    default:
      unreachable(failure);
  }
  return lines;
}
