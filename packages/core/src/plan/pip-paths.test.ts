import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pipPathsInPipConf, pipPathsInRequirements, type PipPath } from './pip-paths.js';

// Pure cases use a manifest folder that need not exist: nothing in them reads the file system
// except the find-links-beside-the-file look-up, which finds nothing there.
const M = '/proj';
const REQ = '/proj/reqs/requirements.txt';

/** A found path as [line, column, text, abs, kind, absolute], to keep the tables short. */
type Row = [number, number, string, string, PipPath['kind'], boolean];

function rows(found: PipPath[], file: string): Row[] {
  for (const f of found) assert.equal(f.file, file);
  return found.map((f) => [f.line, f.column, f.text, f.abs, f.kind, f.absolute]);
}

const reqRows = (text: string, file = REQ, manifestDir = M): Row[] =>
  rows(pipPathsInRequirements(text, file, manifestDir), file);
const confRows = (text: string, manifestDir = M): Row[] =>
  rows(pipPathsInPipConf(text, '/etc/juni/pip.conf', manifestDir), '/etc/juni/pip.conf');

const REQUIREMENT_LINES: [string, string, Row[]][] = [
  ['a ./ path', './pkg', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['a path with a slash and no dot', 'libs/pkg', [[1, 1, 'libs/pkg', '/proj/libs/pkg', 'package', false]]],
  ['a parent path', '../shared', [[1, 1, '../shared', '/shared', 'package', false]]],
  ['an absolute path', '/opt/pkg', [[1, 1, '/opt/pkg', '/opt/pkg', 'package', true]]],
  ['extras', './pkg[extra1,extra2]', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['markers after whitespace', './pkg ; python_version>"3"', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['markers right after the path', './pkg;python_version>"3"', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['extras and markers', './pkg[a]; sys_platform=="linux"', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['a hash', './pkg --hash=sha256:abcd', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  [
    'options on a requirement line name no path',
    './pkg -e ./other -f ./links',
    [[1, 1, './pkg', '/proj/pkg', 'package', false]],
  ],
  [
    'hashes on continued lines',
    './pkg \\\n    --hash=sha256:a \\\n    --hash=sha256:b\n./two',
    [
      [1, 1, './pkg', '/proj/pkg', 'package', false],
      [4, 1, './two', '/proj/two', 'package', false],
    ],
  ],
  ['indentation', '   ./pkg', [[1, 4, './pkg', '/proj/pkg', 'package', false]]],
  ['a comment after whitespace', '# top\n./pkg   # the package', [[2, 1, './pkg', '/proj/pkg', 'package', false]]],
  [
    'a # without whitespace before it is no comment',
    './pkg#frag',
    [[1, 1, './pkg#frag', '/proj/pkg#frag', 'package', false]],
  ],
  [
    'a comment line ends a continued line',
    './pkg \\\n# note \\\n./two',
    [
      [1, 1, './pkg', '/proj/pkg', 'package', false],
      [3, 1, './two', '/proj/two', 'package', false],
    ],
  ],
  ['a backslash in a comment continues nothing', '# a \\\n./pkg', [[2, 1, './pkg', '/proj/pkg', 'package', false]]],
  [
    'a trailing comment swallows the continued line',
    './pkg # c \\\n./gone',
    [[1, 1, './pkg', '/proj/pkg', 'package', false]],
  ],
  [
    'CRLF line endings',
    'requests==2.31\r\n./pkg\r\n-e ./dev\r\n',
    [
      [2, 1, './pkg', '/proj/pkg', 'package', false],
      [3, 4, './dev', '/proj/dev', 'package', false],
    ],
  ],
  ['a form feed breaks a line, as splitlines() does', 'x\f./pkg', [[2, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['a byte order mark', '\ufeff./pkg', [[1, 1, './pkg', '/proj/pkg', 'package', false]]],
  ['~ is not expanded', '~/pkg', [[1, 1, '~/pkg', '/proj/~/pkg', 'package', false]]],
  ['${VAR} is not expanded', '${HOME}/pkg', [[1, 1, '${HOME}/pkg', '/proj/${HOME}/pkg', 'package', false]]],
  [
    'an archive name',
    'foo-1.0-py3-none-any.whl',
    [[1, 1, 'foo-1.0-py3-none-any.whl', '/proj/foo-1.0-py3-none-any.whl', 'package', false]],
  ],
  [
    'archive extensions, any case',
    'a.tar.gz\nb.TGZ\nc.tar.bz2\nd.tbz\ne.tar.xz\nf.txz\ng.tar\nh.zip',
    [
      [1, 1, 'a.tar.gz', '/proj/a.tar.gz', 'package', false],
      [2, 1, 'b.TGZ', '/proj/b.TGZ', 'package', false],
      [3, 1, 'c.tar.bz2', '/proj/c.tar.bz2', 'package', false],
      [4, 1, 'd.tbz', '/proj/d.tbz', 'package', false],
      [5, 1, 'e.tar.xz', '/proj/e.tar.xz', 'package', false],
      [6, 1, 'f.txz', '/proj/f.txz', 'package', false],
      [7, 1, 'g.tar', '/proj/g.tar', 'package', false],
      [8, 1, 'h.zip', '/proj/h.zip', 'package', false],
    ],
  ],
  [
    'a file: URL, percent-decoded',
    'file:///opt/my%20pkg',
    [[1, 1, 'file:///opt/my%20pkg', '/opt/my pkg', 'package', true]],
  ],
  [
    'a file: URL with a fragment and markers',
    'file:///opt/a.whl#sha256=x ; python_version>"3"',
    [[1, 1, 'file:///opt/a.whl#sha256=x', '/opt/a.whl', 'package', true]],
  ],
  ['file://localhost', 'file://localhost/opt/pkg', [[1, 1, 'file://localhost/opt/pkg', '/opt/pkg', 'package', true]]],
  [
    'a relative file: URL',
    'file:./pkg\nfile:../up',
    [
      [1, 1, 'file:./pkg', '/proj/pkg', 'package', false],
      [2, 1, 'file:../up', '/up', 'package', false],
    ],
  ],
  ['a file: URL on another host is refused by pip', 'file://server/share/pkg', []],
  [
    'name @ file: URL',
    'foo @ file:///opt/foo-1.0-py3-none-any.whl',
    [[1, 7, 'file:///opt/foo-1.0-py3-none-any.whl', '/opt/foo-1.0-py3-none-any.whl', 'package', true]],
  ],
  [
    'name[extra] @ file: URL with markers',
    'foo[a,b] @ file:///opt/my%20foo ; python_version>"3"',
    [[1, 12, 'file:///opt/my%20foo', '/opt/my foo', 'package', true]],
  ],
  ['name@file: URL', 'foo@file:///opt/foo', [[1, 5, 'file:///opt/foo', '/opt/foo', 'package', true]]],
];

const REQUIREMENT_OPTIONS: [string, string, Row[]][] = [
  ['-e', '-e ./pkg', [[1, 4, './pkg', '/proj/pkg', 'package', false]]],
  ['-e without ./', '-e pkg', [[1, 4, 'pkg', '/proj/pkg', 'package', false]]],
  ['-e attached', '-e./pkg', [[1, 3, './pkg', '/proj/pkg', 'package', false]]],
  ['--editable', '--editable ./pkg', [[1, 12, './pkg', '/proj/pkg', 'package', false]]],
  ['--editable= with extras', '--editable=./pkg[dev]', [[1, 12, './pkg', '/proj/pkg', 'package', false]]],
  ['-e file: URL', '-e file:///opt/pkg[dev]', [[1, 4, 'file:///opt/pkg', '/opt/pkg', 'package', true]]],
  ['only the first -e of a line', '-e ./a -e ./b', [[1, 4, './a', '/proj/a', 'package', false]]],
  ['-f', '-f ./links', [[1, 4, './links', '/proj/links', 'find-links', false]]],
  ['--find-links', '--find-links links', [[1, 14, 'links', '/proj/links', 'find-links', false]]],
  ['--find-links=', '--find-links=links', [[1, 14, 'links', '/proj/links', 'find-links', false]]],
  ['-f attached', '-flinks', [[1, 3, 'links', '/proj/links', 'find-links', false]]],
  ['a shortened long option', '--find ./links', [[1, 8, './links', '/proj/links', 'find-links', false]]],
  ['only the first -f of a line', '-f ./a -f ./b', [[1, 4, './a', '/proj/a', 'find-links', false]]],
  ['-f after other options', '--no-index --pre -f ./links', [[1, 21, './links', '/proj/links', 'find-links', false]]],
  ['-f quoted', '-f "./my links"', [[1, 5, './my links', '/proj/my links', 'find-links', false]]],
  ['-f absolute', '-f /opt/wheels', [[1, 4, '/opt/wheels', '/opt/wheels', 'find-links', true]]],
  [
    '-f file: URL',
    '-f file:///opt/my%20wheels',
    [[1, 4, 'file:///opt/my%20wheels', '/opt/my wheels', 'find-links', true]],
  ],
  ['-f on a continued line', '--find-links \\\n   ./links', [[2, 4, './links', '/proj/links', 'find-links', false]]],
  ['-i file: URL', '-i file:///opt/simple', [[1, 4, 'file:///opt/simple', '/opt/simple', 'package', true]]],
  [
    '--index-url= file: URL',
    '--index-url=file:///opt/simple',
    [[1, 13, 'file:///opt/simple', '/opt/simple', 'package', true]],
  ],
  [
    '--extra-index-url file: URL',
    '--extra-index-url file:./simple',
    [[1, 19, 'file:./simple', '/proj/simple', 'package', false]],
  ],
  ['the last -i of a line', '-i file:///a -i file:///b', [[1, 17, 'file:///b', '/b', 'package', true]]],
];

const NOT_PATHS: [string, string][] = [
  ['plain names', 'requests\nrequests==2.31\nfoo>=1; python_version<"3.9"\npkg[extra]\nDjango~=4.2 --hash=sha256:a'],
  ['a name with a dot that is no archive', 'zope.interface\nfoo.txt'],
  ['name @ https URL', 'foo @ https://example.invalid/foo-1.0.tar.gz'],
  ['name @ a relative path', 'foo @ ./foo-1.0.tar.gz'],
  [
    'VCS URLs',
    'git+https://example.invalid/x.git#egg=x\nfoo @ git+https://example.invalid/x.git\ngit+file:///opt/repo',
  ],
  ['an https URL', 'https://example.invalid/foo-1.0.tar.gz'],
  ['-e VCS URLs', '-e git+https://example.invalid/x.git#egg=x\n-e git://example.invalid/x.git#egg=x'],
  [
    'http find-links and index URLs',
    '-f https://example.invalid/wheels\n-i https://example.invalid/simple\n--extra-index-url http://x',
  ],
  ['-r and -c', '-r other.txt\n-c constraints.txt\n--requirement=more.txt\n--constraint more.txt'],
  ['a -r line stands for its file, its other options unread', '-r other.txt -f ./links'],
  ['other options', '--no-index\n--pre\n--only-binary :all:\n--trusted-host example.invalid\n--require-hashes'],
  ['comments and blank lines', '# ./pkg\n\n   \n  # -e ./pkg'],
  ['a line pip cannot read', '-f "./unclosed\n--unknown-option ./pkg\n-e'],
];

for (const [name, text, expected] of [...REQUIREMENT_LINES, ...REQUIREMENT_OPTIONS]) {
  test(`requirements: ${name}`, () => assert.deepEqual(reqRows(text), expected));
}

test('requirements: what pip does not take for a local path', () => {
  for (const [name, text] of NOT_PATHS) assert.deepEqual(reqRows(text), [], name);
});

test('requirements: a path on a joined line points at its physical line and column', () => {
  // "\\./pkg": strip('\\') drops leading backslashes too; the path starts after them.
  const text = 'requests \\\n  ==2.31\n\\\\-e \\\n    ./pkg[dev] \\\n  # done';
  assert.deepEqual(reqRows(text), [[4, 5, './pkg', '/proj/pkg', 'package', false]]);
});

/** A temp folder for the rules that look at the file system, removed after `body`. */
function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'juni-pip-paths-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('requirements: a relative find-links is taken beside the requirements file when it exists there', () => {
  withTempDir((dir) => {
    const manifest = path.join(dir, 'project');
    const file = path.join(manifest, 'reqs', 'requirements.txt');
    mkdirSync(path.join(manifest, 'reqs', 'wheels'), { recursive: true });
    mkdirSync(path.join(manifest, 'links'), { recursive: true });
    const text = '-f wheels\n--find-links ./links\n-f ../reqs/wheels';
    assert.deepEqual(reqRows(text, file, manifest), [
      [1, 4, 'wheels', path.join(manifest, 'reqs', 'wheels'), 'find-links', false],
      [2, 14, './links', path.join(manifest, 'links'), 'find-links', false],
      [3, 4, '../reqs/wheels', path.join(manifest, 'reqs', 'wheels'), 'find-links', false],
    ]);
  });
});

test('requirements: `name @ x.whl` is a file only when that file exists', () => {
  withTempDir((dir) => {
    writeFileSync(path.join(dir, 'foo @ x.whl'), '');
    const file = path.join(dir, 'requirements.txt');
    assert.deepEqual(reqRows('foo @ x.whl\nfoo @ y.whl', file, dir), [
      [1, 1, 'foo @ x.whl', path.join(dir, 'foo @ x.whl'), 'package', false],
    ]);
  });
});

test('requirements: every path carries the requirements file it came from', () => {
  const found = pipPathsInRequirements('./pkg', REQ, M);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.file, REQ);
});

const PIP_CONF: [string, string, Row[]][] = [
  [
    'find-links in [global]',
    '[global]\nfind-links = ./wheels\n',
    [[2, 14, './wheels', '/proj/wheels', 'find-links', false]],
  ],
  [
    'several values over several lines',
    '[global]\nfind-links = ./a ./b\n    ./c\n\n  # note\n\t/opt/d\n',
    [
      [2, 14, './a', '/proj/a', 'find-links', false],
      [2, 18, './b', '/proj/b', 'find-links', false],
      [3, 5, './c', '/proj/c', 'find-links', false],
      [6, 2, '/opt/d', '/opt/d', 'find-links', true],
    ],
  ],
  [
    'a : separator, _ and upper case in the key',
    '[install]\nFind_Links:./wheels\n',
    [[2, 12, './wheels', '/proj/wheels', 'find-links', false]],
  ],
  [
    'a key written as its long option',
    '[global]\n--find-links = ./w\n',
    [[2, 16, './w', '/proj/w', 'find-links', false]],
  ],
  [
    'CRLF line endings',
    '[global]\r\nfind-links =\r\n  ./a\r\n  ./b\r\n',
    [
      [3, 3, './a', '/proj/a', 'find-links', false],
      [4, 3, './b', '/proj/b', 'find-links', false],
    ],
  ],
  [
    'index URLs',
    '[global]\nindex-url = file:///opt/simple\nextra-index-url = file:./more%20simple https://x.invalid\n',
    [
      [2, 13, 'file:///opt/simple', '/opt/simple', 'package', true],
      [3, 19, 'file:./more%20simple', '/proj/more simple', 'package', false],
    ],
  ],
  [
    'find-links file: URLs',
    '[global]\nfind-links = file:///opt/wheels\n',
    [[2, 14, 'file:///opt/wheels', '/opt/wheels', 'find-links', true]],
  ],
  [
    'requirement, constraint and editable',
    '[install]\nrequirement = base.txt\nconstraint = c.txt\neditable = ./pkg[dev]\n',
    [
      [2, 15, 'base.txt', '/proj/base.txt', 'requirements', false],
      [3, 14, 'c.txt', '/proj/c.txt', 'requirements', false],
      [4, 12, './pkg', '/proj/pkg', 'package', false],
    ],
  ],
  [
    '[install] overrides [global] for the same option',
    '[global]\nfind-links = ./a\n[install]\nfind-links = ./b\n',
    [[4, 14, './b', '/proj/b', 'find-links', false]],
  ],
  [
    'an empty [install] value does not override',
    '[global]\nfind-links = ./a\n[install]\nfind-links =\n',
    [[2, 14, './a', '/proj/a', 'find-links', false]],
  ],
  [
    'the later of find_links and find-links wins',
    '[global]\nfind-links = ./a\nfind_links = ./b\n',
    [[3, 14, './b', '/proj/b', 'find-links', false]],
  ],
  [
    '[DEFAULT] reaches [global]',
    '[DEFAULT]\nfind-links = ./d\n[global]\ntimeout = 60\n',
    [[2, 14, './d', '/proj/d', 'find-links', false]],
  ],
  [
    'an inline # is no comment in a pip.conf',
    '[global]\nfind-links = ./w #x\n',
    [
      [2, 14, './w', '/proj/w', 'find-links', false],
      [2, 18, '#x', '/proj/#x', 'find-links', false],
    ],
  ],
  [
    'an indented line continues the value, even a section header',
    '[global]\nfind-links = ./a\n  [install]\n',
    [
      [2, 14, './a', '/proj/a', 'find-links', false],
      [3, 3, '[install]', '/proj/[install]', 'find-links', false],
    ],
  ],
  [
    'results in file order',
    '[install]\neditable = ./e\n[global]\nfind-links = ./f\n',
    [
      [2, 12, './e', '/proj/e', 'package', false],
      [4, 14, './f', '/proj/f', 'find-links', false],
    ],
  ],
];

const PIP_CONF_NOTHING: [string, string][] = [
  [
    'sections pip install does not read',
    '[freeze]\nfind-links = ./a\n[wheel]\nrequirement = r.txt\n[Global]\nfind-links = ./b\n',
  ],
  ['[DEFAULT] without [global] or [install]', '[DEFAULT]\nfind-links = ./d\n'],
  ['comment lines', '[global]\n# find-links = ./a\n; find-links = ./b\n   # find-links = ./c\n'],
  [
    'http index URLs and an index-url of several words',
    '[global]\nindex-url = https://x.invalid\n[install]\nindex-url = file:///a file:///b\n',
  ],
  ['http requirement files', '[install]\nrequirement = https://x.invalid/r.txt\n'],
  ['VCS editables', '[install]\neditable = git+https://x.invalid/r.git#egg=r\n'],
  ['other keys', '[global]\ntimeout = 60\ntrusted-host = ./x\n'],
  ['options before any section (pip refuses the file)', 'find-links = ./a\n'],
];

for (const [name, text, expected] of PIP_CONF) {
  test(`pip.conf: ${name}`, () => assert.deepEqual(confRows(text), expected));
}

test('pip.conf: what pip install does not take for a local path', () => {
  for (const [name, text] of PIP_CONF_NOTHING) assert.deepEqual(confRows(text), [], name);
});

test('pip.conf: relative paths are against the manifest folder, not the pip.conf folder', () => {
  withTempDir((dir) => {
    mkdirSync(path.join(dir, 'etc', 'wheels'), { recursive: true });
    const file = path.join(dir, 'etc', 'pip.conf');
    const found = pipPathsInPipConf('[global]\nfind-links = wheels\n', file, path.join(dir, 'project'));
    assert.deepEqual(
      found.map((f) => [f.file, f.abs]),
      [[file, path.join(dir, 'project', 'wheels')]],
    );
  });
});

test('a name no file can have (a NUL byte) is no file, not an error', () => {
  assert.doesNotThrow(() => pipPathsInRequirements('pkg @ x\0.whl\n\0x.whl\n', '/p/reqs/r.txt', '/p'));
  assert.doesNotThrow(() => pipPathsInPipConf('[global]\nfind-links = \0w\n', '/p/pip.conf', '/p'));
});
