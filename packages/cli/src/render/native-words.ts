// Owns the words for a zip whose ELF files would not load on Lambda: each file and its problem,
// where the build's machine has a missing library, and the fixes (juniper's lambda_lib way, or
// native_libs: bundle). Leaves finding the problems to @juni/core.
import { plural } from './format.js';
import { machineWords, type NativeFinding, type NativeJudged, type NodeFailure } from '@juni/core';

type NativeFailure = Extract<NodeFailure, { reason: 'native-libs' }>;

function runtimeWords(judged: NativeJudged): string {
  return judged.python === undefined ? "Lambda's runtime" : `Lambda's python${judged.python} runtime`;
}

function whereWords(judged: NativeJudged, at: string): string {
  return judged.searched.where === 'image' ? `the build image has it at ${at}` : `this machine has it at ${at}`;
}

/** One problem of one file, in a line. */
export function findingWords(finding: NativeFinding, judged: NativeJudged, mode: NativeFailure['mode']): string {
  switch (finding.problem) {
    case 'missing': {
      const nowhere = `${finding.file} needs ${finding.soname}, which neither the zip, its layers nor ${runtimeWords(judged)} has`;
      if (finding.foundAt !== undefined) return `${nowhere}; ${whereWords(judged, finding.foundAt)}`;
      if (judged.searched.where === 'nowhere') return `${nowhere} (juni could not look for it: ${judged.searched.why})`;
      const where = judged.searched.where === 'image' ? `the build image (${judged.searched.ref})` : 'this machine';
      return mode === 'bundle' ? `${nowhere}, and ${where} does not have it either` : `${nowhere}, nor ${where}`;
    }
    case 'wrong-architecture':
      return `${finding.file} is built for ${machineWords(finding.machine)} (${finding.bits}-bit); the target is ${judged.architecture}`;
    case 'glibc': {
      const os = judged.os ? ` (${judged.os.name})` : '';
      return `${finding.file} needs glibc ${finding.needs}; ${runtimeWords(judged)}${os} has glibc ${finding.has}`;
    }
    case 'python-tag':
      return `${finding.file} is built for Python ${finding.built}; the target is Python ${judged.python ?? '?'}`;
  }
}

const headOf = (failure: NativeFailure): string => `${failure.kind} ${failure.entry} would not load on Lambda`;

/** The summary line: the entry, its first problem and how many more. */
export function describeNative(failure: NativeFailure): string {
  const [first, ...rest] = failure.problems;
  const more = rest.length === 0 ? '' : ` (and ${plural(rest.length, 'more problem')})`;
  return first ? `${headOf(failure)}: ${findingWords(first, failure.judged, failure.mode)}${more}` : headOf(failure);
}

/** The entry, then every problem, then one hint per kind of problem. */
export function nativeDetails(failure: NativeFailure): string[] {
  const { judged, mode, entry, kind } = failure;
  const lines = [`${headOf(failure)}:`, ...failure.problems.map((p) => `  ${findingWords(p, judged, mode)}`)];
  const setting = `native_libs: bundle (under ${kind === 'function' ? 'functions' : 'layers'}.${entry}, or global)`;
  const missing = failure.problems.filter((p) => p.problem === 'missing');
  const located = missing.filter((p) => p.foundAt !== undefined);
  if (located.length > 0 && mode === 'check') {
    if (judged.searched.where === 'image') {
      const paths = [...new Set(located.map((p) => p.foundAt!))].join(' ');
      lines.push(
        "  hint: copy them into the zip the juniper way, in the build image's Dockerfile:",
        `          RUN mkdir -p /var/task/lambda_lib && cp ${paths} /var/task/lambda_lib/`,
        `        or let juni copy them (and what they need): ${setting}`,
      );
    } else lines.push(`  hint: let juni copy them from this machine (and what they need): ${setting}`);
  }
  if (missing.length > located.length) {
    lines.push(
      '  hint: install the missing libraries in the build image (or put them in the zip), or, when the runtime ' +
        'you deploy to has them (a custom runtime or container image), list them: runtime_libs: [soname, ...]',
    );
  }
  const has = (problem: NativeFinding['problem']): boolean => failure.problems.some((p) => p.problem === problem);
  if (has('wrong-architecture')) {
    lines.push(
      `  hint: build in an image for ${judged.architecture}, set global.architecture to the one you deploy to, ` +
        'or leave the file out (exclude:)',
    );
  }
  if (has('glibc')) {
    lines.push(
      "  hint: build in an image whose glibc is no newer than the runtime's (the AWS SAM build image for the " +
        'target Python), or use wheels tagged for that glibc (manylinux2014)',
    );
  }
  if (has('python-tag')) {
    lines.push(
      `  hint: build with Python ${judged.python ?? '?'} (the build image's python), or set global.python to the ` +
        'version the extension was built for',
    );
  }
  lines.push(`  hint: to package it unchecked, set native_libs: off for ${entry}`);
  return lines;
}
