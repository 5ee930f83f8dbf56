// Owns finding shared libraries in a build image as its loader would, and copying them out
// (native_libs: bundle, and the "the image has it at ..." of a refused zip).
// Leaves deciding which libraries are needed to core's native/ resolver.
import type Docker from 'dockerode';
import type { ImageTask, LibraryLookup, LibraryRequest } from '@juni/core';
import type { ContainerTracker } from './containers.js';

// TODO(helper): implement; see core's DockerSupport.findLibraries.
export function findLibraries(
  _docker: Docker,
  _tracker: ContainerTracker,
  _imageId: string,
  _request: LibraryRequest,
  _task: ImageTask,
): Promise<LibraryLookup> {
  return Promise.resolve({ ok: true, found: [] });
}
