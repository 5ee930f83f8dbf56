// Owns the words for why a node would rebuild or last rebuilt, and for the notes on an image's
// key. Leaves finding the reasons to @juni/core's explainBuild.
import { unreachable, type ChangeReason, type ImageNote } from '@juni/core';

/** `sha256:0123456789ab…`: enough of an image ID to tell two apart. */
function shortId(id: string | null): string {
  if (id === null) return 'none';
  const m = /^(sha256:[0-9a-f]{12})[0-9a-f]+$/.exec(id);
  return m ? `${m[1]}…` : id;
}

/** One line per reason, e.g. "modified src/handler.py". */
export function describeReason(reason: ChangeReason, upstreamName: (role: string) => string = (r) => r): string {
  switch (reason.type) {
    case 'never-built':
      return 'never built before';
    case 'forced':
      return '--force';
    case 'file-added':
      return `added ${reason.path}`;
    case 'file-removed':
      return `removed ${reason.path}`;
    case 'file-modified':
      return `modified ${reason.path}`;
    case 'mode-changed':
      return `exec bit changed on ${reason.path}`;
    case 'config-changed':
      return `setting ${reason.setting} changed from ${JSON.stringify(reason.from)} to ${JSON.stringify(reason.to)}`;
    case 'base-image-changed':
      return reason.from === null
        ? `now starts from base image ${reason.ref} (${shortId(reason.to)})`
        : reason.to === null
          ? `no longer starts from base image ${reason.ref}`
          : `base image ${reason.ref}: ${shortId(reason.from)} -> ${shortId(reason.to)}`;
    case 'upstream-changed':
      return `${upstreamName(reason.upstream)} changed`;
    case 'tool-changed':
      return `juni changed from ${reason.from} to ${reason.to}`;
    case 'inputs-unknown':
      return 'its previous inputs are no longer in the cache';
    case 'output-missing':
      return 'its inputs are unchanged, but its stored output is gone or damaged';
    default:
      return unreachable(reason);
  }
}

/** One line per note on an image's key. */
export function describeNote(note: ImageNote): string {
  switch (note.note) {
    case 'context-whole':
      return `the whole build context (${note.files} files) is an input, because ${note.because}`;
    case 'context-named': {
      const n = note.files;
      if (n === 0) return 'no context file is an input: the Dockerfile copies none';
      const files =
        n === 1
          ? '1 context file named by COPY/ADD/RUN --mount is an input'
          : `${n} context files named by COPY/ADD/RUN --mount are inputs`;
      return `${files}; other context files are not`;
    }
    default:
      return unreachable(note);
  }
}
