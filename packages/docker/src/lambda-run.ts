// Owns running a handler in a Lambda-like container (see DockerSupport.runLambda): one container per
// run, the zips copied in through the engine's archive API, the limits, the runner's answer read back
// as a LambdaRunOutcome. Leaves the runner's script to lambda-runner.ts and the variables to
// lambda-environment.ts.
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { LineSplitter, unreachable, TASK_ROOT } from '@juni/core';
import type { ImageTask, LambdaRunOutcome, LambdaRunRequest, NodeFailure } from '@juni/core';
import { attachOutput, type ContainerTracker } from './containers.js';
import { messageOf } from './engine.js';
import { containerPlatform } from './pip-container.js';
import { lambdaEnvironment, lambdaNames, REGION, type LambdaNames } from './lambda-environment.js';
import { readMessages, RUNNER, type RunnerConfig, type RunnerMessage } from './lambda-runner.js';
import { putTar } from './tar-upload.js';
import { RefusedZip, zipsToTar } from './zip-tar.js';

const LAYERS_ROOT = '/opt';
/** The runner's own volume: the event file goes here, out of the function's folders. */
const RUNNER_DIR = '/var/juni';
const EVENT_FILE = `${RUNNER_DIR}/event.json`;
/** Lambda's user sbx_user1051: the function owns none of the files it was given. */
const LAMBDA_USER = '993:990';
/** Lambda's init phase limit; the import gets the function's timeout when that is longer. */
const INIT_SECONDS = 10;
/** How long past its limits the runner may take to say so before the container is killed. */
const BACKSTOP_GRACE_MS = 5000;
const TAIL = 20;

const ABORTED: LambdaRunOutcome = { ok: false, failure: { reason: 'aborted' } };

/** How the container ended, as the engine and the runner's stream tell it. */
interface Run {
  messages: RunnerMessage[];
  exitCode: number;
  oomKilled: boolean;
  /** The container was killed from here: the runner did not end within its limits and the grace. */
  killed: boolean;
  stderrTail: string[];
}

/**
 * Runs `request` in one container of `request.imageId` (see DockerSupport.runLambda for what the
 * container allows). The container is removed on every path, at once when `task.signal` aborts.
 * Never throws: the engine's errors and a refused zip come back as container-failed.
 */
export async function runLambda(
  docker: Docker,
  tracker: ContainerTracker,
  request: LambdaRunRequest,
  task: ImageTask,
): Promise<LambdaRunOutcome> {
  if (task.signal.aborted) return ABORTED;
  let container: Docker.Container | undefined;
  const abort = (): void => {
    if (container) void tracker.remove(container);
  };
  task.signal.addEventListener('abort', abort, { once: true });
  try {
    const platform = containerPlatform(request.architecture);
    const options = containerOptions(request, lambdaNames(request.functionName));
    // Lambda's architecture, as pip's containers get it: an image without it is refused by the engine.
    container = await tracker.create(docker, { ...options, ...(platform ? { platform } : {}) });
    if (task.signal.aborted) return ABORTED;
    await copyIn(container, request);
    if (task.signal.aborted) return ABORTED;
    const run = await runToEnd(docker, container, request, task);
    if (task.signal.aborted) return ABORTED;
    return outcome(request, run);
  } catch (error) {
    if (task.signal.aborted) return ABORTED;
    if (error instanceof RefusedZip)
      return failed(`refused to unpack a zip for ${request.functionName}: ${error.message}`);
    return failed(
      `the runtime container for ${request.functionName} (image ${request.imageRef}) failed: ${messageOf(error)}`,
    );
  } finally {
    task.signal.removeEventListener('abort', abort);
    if (container) await tracker.remove(container);
  }
}

function importSeconds(request: LambdaRunRequest): number {
  return Math.max(INIT_SECONDS, request.timeoutSeconds);
}

function containerOptions(request: LambdaRunRequest, names: LambdaNames): Docker.ContainerCreateOptions {
  const config: RunnerConfig = {
    handler: request.handler,
    python: request.python ?? '',
    eventFile: request.event === undefined ? '' : EVENT_FILE,
    importSeconds: importSeconds(request),
    invokeSeconds: request.timeoutSeconds,
    functionName: request.functionName,
    memoryMb: request.memoryMb,
    region: REGION,
    logGroup: names.logGroup,
    logStream: names.logStream,
  };
  const memory = request.memoryMb * 1024 * 1024;
  return {
    Image: request.imageId,
    // The image's entrypoint (AWS's runtime interface emulator, say) is replaced: juni's runner is Lambda here.
    Entrypoint: ['python3'],
    Cmd: ['-c', RUNNER, JSON.stringify(config)],
    Env: lambdaEnvironment(request, names),
    WorkingDir: TASK_ROOT,
    User: LAMBDA_USER,
    Labels: { 'dev.juni.role': 'lambda' },
    // Anonymous volumes: the only places the archive API may write into a read-only root, and
    // removed with the container (v: true).
    Volumes: { [TASK_ROOT]: {}, [LAYERS_ROOT]: {}, [RUNNER_DIR]: {} },
    NetworkDisabled: true,
    HostConfig: {
      AutoRemove: false,
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Memory: memory,
      // Equal to Memory: no swap, so going over the memory size is an OOM kill as on Lambda.
      MemorySwap: memory,
      PidsLimit: 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Tmpfs: { '/tmp': 'rw,size=512m,mode=1777' },
    },
  };
}

/** The function at /var/task, its layers merged at /opt, the event in the runner's folder. */
async function copyIn(container: Docker.Container, request: LambdaRunRequest): Promise<void> {
  await putZips(container, [request.zip], TASK_ROOT);
  if (request.layers.length > 0) await putZips(container, request.layers, LAYERS_ROOT);
  if (request.event !== undefined) {
    const pack = tar.pack();
    pack.entry({ name: 'event.json', mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) }, request.event);
    pack.finalize();
    await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: RUNNER_DIR });
  }
}

async function putZips(container: Docker.Container, zips: readonly string[], at: string): Promise<void> {
  await putTar(container, at, (pack) => zipsToTar(zips, pack));
}

/** Starts the container, waits for it (killing it past its limits), and reads how it ended. */
async function runToEnd(
  docker: Docker,
  container: Docker.Container,
  request: LambdaRunRequest,
  task: ImageTask,
): Promise<Run> {
  const stdout: Buffer[] = [];
  const stderrTail: string[] = [];
  const log = new LineSplitter((line) => {
    stderrTail.push(line);
    if (stderrTail.length > TAIL) stderrTail.shift();
    task.onLog(line);
  });
  const output = await attachOutput(
    docker,
    container,
    (chunk) => stdout.push(chunk),
    (chunk) => log.push(chunk),
  );
  let backstop: NodeJS.Timeout | undefined;
  try {
    await container.start();
    let killed = false;
    const limitMs = (importSeconds(request) + (request.event === undefined ? 0 : request.timeoutSeconds)) * 1000;
    backstop = setTimeout(() => {
      killed = true;
      container.kill().catch(() => undefined);
    }, limitMs + BACKSTOP_GRACE_MS);
    const exit = (await container.wait()) as { StatusCode: number };
    clearTimeout(backstop);
    // The output is complete only once the stream has ended, which follows the exit.
    await output.ended;
    log.end();
    const state = ((await container.inspect()) as { State?: { OOMKilled?: boolean } }).State;
    return {
      messages: readMessages(Buffer.concat(stdout).toString('utf8')),
      exitCode: exit.StatusCode,
      oomKilled: state?.OOMKilled === true,
      killed,
      stderrTail,
    };
  } finally {
    clearTimeout(backstop);
    output.close();
  }
}

/** The outcome from the runner's last word, else from how the engine saw the container end. */
function outcome(request: LambdaRunRequest, run: Run): LambdaRunOutcome {
  const base = { entry: request.functionName, handler: request.handler, image: request.imageRef };
  let phase: 'import' | 'invoke' = 'import';
  for (const m of run.messages) if (m.type === 'phase') phase = m.phase;
  const last = run.messages.findLast((m): m is Exclude<RunnerMessage, { type: 'phase' }> => m.type !== 'phase');
  const seconds = (p: 'import' | 'invoke'): number =>
    p === 'import' ? importSeconds(request) : request.timeoutSeconds;
  if (last) {
    switch (last.type) {
      case 'done':
        return {
          ok: true,
          python: last.python,
          initMs: Math.round(last.initMs),
          ...(last.result === undefined ? {} : { result: last.result }),
          ...(last.invokeMs === undefined ? {} : { invokeMs: Math.round(last.invokeMs) }),
        };
      case 'mismatch':
        return fail({
          reason: 'runtime-mismatch',
          entry: request.functionName,
          image: request.imageRef,
          expected: request.python ?? '',
          found: last.found,
        });
      case 'error': {
        const { phase: at, errorType, message, traceback } = last;
        return fail({ reason: 'handler-failed', ...base, phase: at, errorType, errorMessage: message, traceback });
      }
      case 'timeout':
        return fail({
          reason: 'handler-limit',
          ...base,
          phase: last.phase,
          limit: 'timeout',
          value: seconds(last.phase),
        });
      default:
        return unreachable(last);
    }
  }
  if (run.oomKilled) return fail({ reason: 'handler-limit', ...base, phase, limit: 'memory', value: request.memoryMb });
  if (run.killed) return fail({ reason: 'handler-limit', ...base, phase, limit: 'timeout', value: seconds(phase) });
  const tail = run.stderrTail.length > 0 ? `:\n${run.stderrTail.join('\n')}` : '';
  return failed(
    `the runtime container for ${request.functionName} (image ${request.imageRef}) exited with ${run.exitCode} ` +
      `before the runner answered${tail}`,
  );
}

function fail(failure: NodeFailure): LambdaRunOutcome {
  return { ok: false, failure };
}

function failed(message: string): LambdaRunOutcome {
  return fail({ reason: 'container-failed', message });
}
