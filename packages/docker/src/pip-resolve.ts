// Owns resolving a requirement set in its build image (`pip install --dry-run --report`, with the
// same inputs an install is given), and bringing the wheels it names to this machine: a wheel juni
// sent is read where it came from, one the image holds is copied out through the archive API.
// Leaves installing the wheels to core (install/install-set.ts) and the container to pip-container.ts.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { parsePipReport, type InstallRequest, type ResolvedDistribution, type ResolveResult } from '@juni/core';
import type { ContainerTracker } from './containers.js';
import { pipOptions, runPipContainer } from './pip-container.js';
import { PROJECT } from './pip-transfer.js';

const REPORT = '/tmp/juni-report.json';
const EXECUTABLE = '/tmp/juni-executable';

/** `python3 -m pip`, after writing down sys.executable: the interpreter pip's scripts name. */
const WRAPPER =
  'import runpy, sys\n' +
  `open(${JSON.stringify(EXECUTABLE)}, "w").write(sys.executable)\n` +
  'sys.argv[0] = "pip"\n' +
  'runpy.run_module("pip", run_name="__main__", alter_sys=True)\n';

export async function resolveInContainer(
  docker: Docker,
  tracker: ContainerTracker,
  request: InstallRequest,
): Promise<ResolveResult> {
  const cmd = ['python3', '-c', WRAPPER, 'install', '--dry-run', '--report', REPORT, ...pipOptions(request)];
  let tooOld = false;
  const watched: InstallRequest = {
    ...request,
    onLog: (line) => {
      if (/no such option: --(report|dry-run)/.test(line)) tooOld = true;
      request.onLog(line);
    },
  };
  const ran = await runPipContainer(docker, tracker, watched, cmd, async (container) => {
    const report = parsePipReport((await readFile(container, REPORT)).toString('utf8'));
    if (!report.ok) return { ok: 'unavailable' as const, why: report.message };
    const interpreter = (await readFile(container, EXECUTABLE)).toString('utf8');
    const wheels = path.join(request.target, 'wheels');
    const distributions: ResolvedDistribution[] = [];
    for (const dist of report.distributions)
      distributions.push({ ...dist, wheelFile: await wheelHere(container, request, dist, wheels) });
    return { ok: true as const, distributions, interpreter };
  });
  if (!ran.ok && ran.failure.reason === 'pip-failed' && tooOld)
    return { ok: 'unavailable', why: "the image's pip has no --dry-run --report (22.2 has)" };
  return ran;
}

/**
 * The wheel on this machine: the file juni sent to that path, or a copy out of the image (under
 * `dir`); undefined for what is not a wheel file in the container (an index download, an sdist).
 */
async function wheelHere(
  container: Docker.Container,
  request: InstallRequest,
  dist: ResolvedDistribution,
  dir: string,
): Promise<string | undefined> {
  const inContainer = dist.wheelFile;
  if (inContainer === undefined) return undefined;
  const sent = request.local.files.find(
    (f) => (path.posix.isAbsolute(f.to) ? f.to : path.posix.join(PROJECT, f.to)) === inContainer,
  );
  if (sent) return sent.from;
  mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, path.posix.basename(inContainer));
  await pipeline(await fileStream(container, inContainer), createWriteStream(dest));
  return dest;
}

async function readFile(container: Docker.Container, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await fileStream(container, file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One regular file of the container, streamed out of the archive the engine sends. */
async function fileStream(container: Docker.Container, file: string): Promise<NodeJS.ReadableStream> {
  const archive = await container.getArchive({ path: file });
  const extract = tar.extract();
  return new Promise((resolve, reject) => {
    let found = false;
    extract.on('entry', (header, stream, next) => {
      if (found || header.type !== 'file') {
        stream.on('end', next).resume();
        return;
      }
      found = true;
      resolve(stream as unknown as NodeJS.ReadableStream);
      stream.on('end', next);
    });
    extract.on('finish', () => {
      if (!found) reject(new Error(`${file} is not a regular file in the container`));
    });
    extract.on('error', reject);
    archive.pipe(extract);
  });
}
