// Owns juni's stand-in for Lambda's Python runtime: the script run in the runtime image and the
// messages it sends back on its private stream. Leaves the container and its limits to lambda-run.ts.

/** What the runner is told, as one JSON argument (never part of the script's text). */
export interface RunnerConfig {
  handler: string;
  /** "3.12": another Python is refused before anything is imported. Empty: any. */
  python: string;
  /** The event file inside the container; empty for import-and-find only. */
  eventFile: string;
  importSeconds: number;
  invokeSeconds: number;
  functionName: string;
  memoryMb: number;
  region: string;
  logGroup: string;
  logStream: string;
}

export type RunnerPhase = 'import' | 'find' | 'invoke' | 'result';

/** One line of the runner's protocol. Every run ends with one of mismatch, error, timeout or done. */
export type RunnerMessage =
  | { type: 'phase'; phase: 'import' | 'invoke' }
  | { type: 'mismatch'; found: string }
  | { type: 'error'; phase: RunnerPhase; errorType: string; message: string; traceback: string[] }
  | { type: 'timeout'; phase: 'import' | 'invoke' }
  | { type: 'done'; python: string; initMs: number; invokeMs?: number; result?: string };

/**
 * Run as `python3 -c RUNNER <config JSON>`. Compatible with Python 3.8+. The protocol goes to a
 * copy of the real stdout; fd 1 then points at stderr, so whatever the function prints is its log,
 * never a protocol line. Limits are enforced with SIGALRM raising JuniTimeout (a BaseException, so
 * `except Exception` in the function does not swallow it); the run ends with os._exit so threads
 * the function left behind cannot keep the container alive.
 */
export const RUNNER = String.raw`import os, sys
_proto = os.fdopen(os.dup(1), 'w', encoding='utf-8')
os.dup2(2, 1)
try:
    sys.stdout.reconfigure(line_buffering=True)
except Exception:
    pass
import json, time, signal, traceback, importlib, uuid, decimal

config = json.loads(sys.argv[1])
del sys.argv[1:]


def send(message):
    _proto.write(json.dumps(message) + '\n')
    _proto.flush()


def finish(code):
    for stream in (sys.stdout, sys.stderr, _proto):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def trace(error):
    try:
        te = traceback.TracebackException(type(error), error, error.__traceback__)
        # The runner's own frames and importlib's are not the function's: Lambda shows neither.
        kept = [f for f in te.stack if f.filename != '<string>' and not f.filename.startswith('<frozen importlib')
                and not (f.name == 'import_module' and f.filename.endswith('importlib/__init__.py'))]
        te.stack = traceback.StackSummary.from_list(kept)
        return ''.join(te.format()).splitlines()
    except Exception:
        return ''.join(traceback.format_exception(type(error), error, error.__traceback__)).splitlines()


def fail(phase, error_type, message, lines):
    send({'type': 'error', 'phase': phase, 'errorType': error_type, 'message': message, 'traceback': lines})
    finish(1)


class JuniTimeout(BaseException):
    pass


expired = []


def on_alarm(signum, frame):
    expired.append(True)
    raise JuniTimeout()


signal.signal(signal.SIGALRM, on_alarm)


def guarded(phase, seconds, call):
    send({'type': 'phase', 'phase': phase})
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            value = call()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except JuniTimeout:
        send({'type': 'timeout', 'phase': phase})
        finish(1)
    except BaseException as error:
        if expired:
            send({'type': 'timeout', 'phase': phase})
            finish(1)
        return False, error
    # A function that caught the timeout and went on still went over the limit.
    if expired:
        send({'type': 'timeout', 'phase': phase})
        finish(1)
    return True, value


version = '%d.%d' % sys.version_info[:2]
full_version = '%d.%d.%d' % sys.version_info[:3]
if config['python'] and config['python'] != version:
    send({'type': 'mismatch', 'found': version})
    finish(1)

# As Lambda's Python runtime orders it; -c put '' (the working folder) first, which Lambda has not.
first = ['/var/task', '/opt/python/lib/python%s/site-packages' % version, '/opt/python']
sys.path[:] = first + [p for p in sys.path if p != '' and p not in first]

handler = config['handler']
try:
    modname, fname = handler.rsplit('.', 1)
except ValueError:
    fail('find', 'Runtime.MalformedHandlerName', "Bad handler '%s': not enough values to unpack" % handler, [])

started = time.perf_counter()
ok, module = guarded('import', config['importSeconds'], lambda: importlib.import_module(modname.replace('/', '.')))
init_ms = (time.perf_counter() - started) * 1000
if not ok:
    fail('import', type(module).__name__, str(module), trace(module))

try:
    function = getattr(module, fname)
except AttributeError:
    fail('find', 'Runtime.HandlerNotFound', "Handler '%s' missing on module '%s'" % (fname, modname), [])
if not callable(function):
    fail('find', 'Runtime.HandlerNotFound', "Handler '%s' on module '%s' is not callable" % (fname, modname), [])

if not config['eventFile']:
    send({'type': 'done', 'python': full_version, 'initMs': init_ms})
    finish(0)

with open(config['eventFile'], encoding='utf-8') as f:
    event = json.load(f)


class LambdaContext(object):
    def __init__(self, deadline):
        name = config['functionName']
        self.function_name = name
        self.function_version = '$LATEST'
        self.invoked_function_arn = 'arn:aws:lambda:%s:000000000000:function:%s' % (config['region'], name)
        self.memory_limit_in_mb = str(config['memoryMb'])
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = config['logGroup']
        self.log_stream_name = config['logStream']
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


context = LambdaContext(time.time() + config['invokeSeconds'])
started = time.perf_counter()
ok, result = guarded('invoke', config['invokeSeconds'], lambda: function(event, context))
invoke_ms = (time.perf_counter() - started) * 1000
if not ok:
    fail('invoke', type(result).__name__, str(result), trace(result))


def number(value):
    # Lambda's marshaller writes a Decimal (DynamoDB's numbers) as a number.
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError('Object of type %s is not JSON serializable' % type(value).__name__)


try:
    text = json.dumps(result, default=number)
except Exception as error:
    fail('result', 'Runtime.MarshalError', 'Unable to marshal response: %s' % error, [])
send({'type': 'done', 'python': full_version, 'initMs': init_ms, 'invokeMs': invoke_ms, 'result': text})
finish(0)
`;

/** The run's messages from the runner's stream (lines that are not protocol are skipped). */
export function readMessages(text: string): RunnerMessage[] {
  const messages: RunnerMessage[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const message = JSON.parse(line) as RunnerMessage;
      if (typeof message.type === 'string') messages.push(message);
    } catch {
      // A line cut short by a killed runner: the run's end is judged without it.
    }
  }
  return messages;
}
