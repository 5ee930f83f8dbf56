// Owns the words for an input juni refused to read (core's InputProblem): what the path is, why it
// cannot be packaged, and how to leave it out. Leaves finding them to @juni/core.
import path from 'node:path';
import { describeKind, unreachable, type InputProblem } from '@juni/core';
import { formatBytes } from './format.js';

export interface ProblemWords {
  message: string;
  hint: string;
}

export function describeInputProblem(problem: InputProblem, cwd: string): ProblemWords {
  const shown = path.relative(cwd, problem.path) || problem.path;
  const name = path.basename(problem.path);
  const of = problem.entry === undefined ? '' : ` (an input of ${problem.entry})`;
  const leaveOut = problem.entry === undefined ? 'leave it out' : `leave it out of ${problem.entry}`;
  switch (problem.problem) {
    case 'not-regular':
      if (problem.type === 'name-not-utf8') {
        return {
          message: `${shown}${of} has a name that is not valid UTF-8; zip entry names must be UTF-8`,
          hint: 'rename it (e.g. with convmv), or leave it out with an exclude: pattern',
        };
      }
      return {
        message: `${shown}${of} is ${describeKind(problem.type)}, not a regular file; juni reads only files and folders`,
        // Without an entry it is a file juni reads itself (a requirements file, a Dockerfile): it must be one.
        hint:
          problem.entry === undefined
            ? 'replace it with a regular file, or point the manifest at one'
            : `${leaveOut} (exclude: [${name}]), or move it out of the included folder`,
      };
    case 'too-large':
      return {
        message:
          `${shown}${of} is ${formatBytes(problem.bytes)}; no Lambda package can hold a file over ` +
          `${formatBytes(problem.allowed)} (the unzipped limit of a function with its layers)`,
        hint: `${leaveOut} (exclude: [${name}]); ship large data through S3 or a container image`,
      };
    case 'own-output':
      if (problem.image !== undefined) {
        return {
          message:
            `${shown} (in the build context of image ${problem.image}) is the file juni's own ${problem.stream} ` +
            'is being written to: it changes the image at every build',
          hint: `add ${name} to the context's .dockerignore, or write the log outside the project`,
        };
      }
      return {
        message:
          `${shown}${of} is the file juni's own ${problem.stream} is being written to: ` +
          'it grows while it is zipped, so no build could pack it',
        hint: `${leaveOut} (exclude: [${name}]), or write the log outside the project`,
      };
    default:
      return unreachable(problem);
  }
}
