// Owns the words for a handler that failed where Lambda would run it (`juni check`, `juni
// invoke`): what Python said, and the one change that fixes the usual causes, naming the manifest
// key. Leaves the failures' data to @juni/core.
import type { NodeFailure } from '@juni/core';

type HandlerFailure = Extract<
  NodeFailure,
  { reason: 'handler-failed' | 'handler-limit' | 'runtime-mismatch' | 'handler-unset' }
>;

const PHASE: Record<Extract<HandlerFailure, { reason: 'handler-failed' }>['phase'], string> = {
  import: 'could not be imported',
  find: 'was not found',
  invoke: 'raised',
  result: 'returned what Lambda cannot send back',
};

export function describeHandler(failure: HandlerFailure): string {
  switch (failure.reason) {
    case 'handler-failed': {
      const error = failure.errorMessage ? `${failure.errorType}: ${failure.errorMessage}` : failure.errorType;
      return `function ${failure.entry}: ${failure.handler} ${PHASE[failure.phase]} in ${failure.image}: ${error}`;
    }
    case 'handler-limit': {
      const doing = failure.phase === 'import' ? `importing ${failure.handler}` : `${failure.handler}`;
      return failure.limit === 'timeout'
        ? `function ${failure.entry}: ${doing} ran past its time limit of ${failure.value} s in ${failure.image}`
        : `function ${failure.entry}: ${doing} ran out of its ${failure.value} MB of memory in ${failure.image}`;
    }
    case 'runtime-mismatch':
      return (
        `function ${failure.entry}: the runtime image ${failure.image} runs Python ${failure.found}, ` +
        `but the zips are built for Python ${failure.expected}`
      );
    case 'handler-unset':
      return `function ${failure.entry} names no handler, and its zip has no lambda_function.py at its root`;
  }
}

/** The hint lines under the description: Python's traceback, then what to change. */
export function handlerDetails(failure: HandlerFailure): string[] {
  const lines: string[] = [];
  if (failure.reason === 'handler-failed') lines.push(...failure.traceback.slice(-30).map((l) => `  | ${l}`));
  lines.push(`  hint: ${hintOf(failure)}`);
  return lines;
}

function hintOf(failure: HandlerFailure): string {
  const at = `under functions.${failure.entry}`;
  switch (failure.reason) {
    case 'handler-failed':
      return failedHint(failure, at);
    case 'handler-limit':
      return failure.limit === 'timeout'
        ? `if Lambda gives it longer, say so: timeout: SECONDS ${at} (importing has at least Lambda's 10 s)`
        : `if Lambda gives it more, say so: memory_size: MB ${at} (the default is Lambda's 128)`;
    case 'runtime-mismatch':
      return `set runtime_image: ${at} (or in global:) to an image with Python ${failure.expected}, or JUNI_RUNTIME_IMAGE`;
    case 'handler-unset': {
      const example = failure.candidates[0] ?? 'app';
      const modules = failure.candidates.length > 0 ? ` (its top-level modules: ${failure.candidates.join(', ')})` : '';
      return `set handler: ${example}.handler ${at}: module.function, as in Lambda's configuration${modules}`;
    }
  }
}

function failedHint(failure: Extract<HandlerFailure, { reason: 'handler-failed' }>, at: string): string {
  const missingModule = /^No module named '([^']+)'/.exec(failure.errorMessage);
  const missingLibrary = /([^\s:]+\.so[.\d]*): cannot open shared object file/.exec(failure.errorMessage);
  switch (failure.phase) {
    case 'import':
      if (missingModule)
        return (
          `the zip (and its layers) has no module ${missingModule[1]}: add it to include: ${at}, ` +
          'or its package to the requirements'
        );
      if (missingLibrary)
        return (
          `the zip has no ${missingLibrary[1]}: native_libs: bundle ${at} copies it in from the build image ` +
          '(docs/native-libraries.md)'
        );
      return 'the traceback above is what Lambda would log at the first invocation';
    case 'find':
      return `set handler: ${at} to module.function, naming a function the module defines`;
    case 'invoke':
      return 'the traceback above is what Lambda would log for this event';
    case 'result':
      return 'return what json.dumps can write: dicts, lists, strings, numbers, booleans and None';
  }
}
