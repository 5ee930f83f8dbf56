import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerfileInputs, type DockerfileInputs } from './dockerfile-inputs.js';

const read = (lines: string[], args: Record<string, string> = {}, target?: string): DockerfileInputs =>
  dockerfileInputs(lines.join('\n'), { args, target });
const sources = (i: DockerfileInputs): string[] =>
  i.context.kind === 'sources' ? i.context.sources.map((s) => s.source) : [`WHOLE: ${i.context.reason}`];
const bases = (i: DockerfileInputs): string[] => i.bases.map((b) => b.ref);

test('FROM, COPY and ADD name bases and context sources; ARG values are substituted', () => {
  const i = read([
    'ARG BASE=python:3.12',
    'FROM ${BASE} AS build',
    'ARG SRC=src',
    'ENV LIB=lib',
    'COPY --chown=1:1 ${SRC}/ $LIB/*.py /app/',
    'ADD vendor.tar.gz /opt/',
    'RUN pip install -r /app/requirements.txt',
  ]);
  assert.deepEqual(bases(i), ['python:3.12']);
  assert.deepEqual(sources(i), ['src/', 'lib/*.py', 'vendor.tar.gz']);
  assert.deepEqual(
    bases(read(['ARG BASE=python:3.12', 'FROM ${BASE}'], { BASE: 'python:3.13' })),
    ['python:3.13'],
    'build args win over defaults',
  );
  assert.deepEqual(sources(read(['FROM x', 'ARG SRC=src', 'COPY $SRC /s'], { SRC: 'other' })), ['other']);
  assert.deepEqual(
    sources(read(['ARG SRC=glob', 'FROM x', 'ARG SRC', 'COPY ${SRC:-none} /s'])),
    ['glob'],
    'ARG without a value takes the global one',
  );
  assert.deepEqual(sources(read(['FROM x', 'ARG SRC', 'COPY ${SRC:-fallback} /s'])), ['fallback']);
});

test('stages and images in COPY --from and RUN --mount', () => {
  const i = read([
    'FROM golang:1.22 AS tools',
    'FROM python:3.12 AS app',
    'COPY --from=tools /go/bin/x /usr/bin/',
    'COPY --from=alpine:3 /etc/os-release /',
    'COPY --from=0 /a /b',
    'RUN --mount=type=bind,source=requirements.txt,target=/r --mount=type=cache,target=/root/.cache pip install -r /r',
    'RUN --mount=type=bind,from=busybox:1,source=/bin,target=/bb ls /bb',
    'RUN --mount=type=bind,target=/ctx ls /ctx',
    'FROM app',
    'COPY ["a b.txt", "c.txt", "/x/"]',
  ]);
  assert.deepEqual(bases(i), ['golang:1.22', 'python:3.12', 'alpine:3', 'busybox:1']);
  assert.deepEqual(sources(i), ['requirements.txt', '.', 'a b.txt', 'c.txt']);
});

test('--target stops at its stage; scratch is no image', () => {
  const lines = [
    'FROM scratch AS a',
    'COPY a.txt /',
    'FROM python:3.12 AS b',
    'COPY b.txt /',
    'FROM python:3.13 AS c',
    'COPY c.txt /',
  ];
  assert.deepEqual(bases(read(lines, {}, 'b')), ['python:3.12']);
  assert.deepEqual(sources(read(lines, {}, 'B')), ['a.txt', 'b.txt']);
  assert.deepEqual(sources(read(lines)), ['a.txt', 'b.txt', 'c.txt']);
});

test('what cannot be known makes the whole context count, with the reason', () => {
  assert.match(
    sources(read(['FROM x', 'ADD https://example.invalid/a.tgz /a'])).join(),
    /WHOLE: line 2: ADD https:\/\/example.invalid\/a.tgz fetches from outside/,
  );
  assert.match(
    sources(read(['FROM x', 'COPY $FROM_BASE_ENV /a'])).join(),
    /WHOLE: line 2: COPY \$FROM_BASE_ENV uses a variable juni cannot resolve/,
  );
  assert.match(sources(read(['FROM x', 'ARG P=a', 'COPY ${P#a} /a'])).join(), /WHOLE/);
  assert.match(
    sources(read(['# syntax=example.invalid/frontend:2', 'FROM x', 'COPY a /a'])).join(),
    /WHOLE: the Dockerfile names the frontend/,
  );
  assert.deepEqual(sources(read(['# syntax=docker/dockerfile:1.7', 'FROM x', 'COPY a /a'])), ['a']);
});

test('here-documents and escaped dollars are not context files', () => {
  const i = read(['FROM x', 'COPY <<EOF /etc/motd', 'hello', 'EOF', 'COPY \\$literal /y']);
  assert.deepEqual(sources(i), ['$literal']);
  const backtick = read(['# escape=`', 'FROM x', 'COPY a `', '  b /dest/']);
  assert.deepEqual(sources(backtick), ['a', 'b']);
});

test('global ARG defaults see undeclared names as empty; an image juni cannot resolve is reported, not dropped', () => {
  assert.deepEqual(bases(read(['ARG TAG=${PYVER:-3.12}', 'FROM python:${TAG}'])), ['python:3.12']);
  assert.deepEqual(bases(read(['FROM python:${UNDECLARED}slim'])), ['python:slim'], 'as Docker does');
  const odd = read(['ARG V=3.12x', 'FROM python:${V%x}', 'COPY a /a']);
  assert.deepEqual(odd.unresolvedImage, { text: 'python:${V%x}', line: 2 });
  assert.deepEqual(read(['FROM x', 'COPY --from=$FROM_ENV /a /b']).unresolvedImage, { text: '$FROM_ENV', line: 2 });
  assert.equal(read(['FROM x', 'COPY a /a']).unresolvedImage, undefined);
});

test('ENV wins over ARG; one ENV sees the values from before it', () => {
  assert.deepEqual(sources(read(['FROM x', 'ENV SRC=a.txt', 'ARG SRC=b.txt', 'COPY $SRC /'])), ['a.txt']);
  assert.deepEqual(sources(read(['FROM x', 'ENV SRC=a.txt', 'ARG SRC', 'COPY $SRC /'], { SRC: 'c.txt' })), ['a.txt']);
  assert.deepEqual(sources(read(['FROM x', 'ENV A=x', 'ENV A=y B=${A}z', 'COPY $B /'])), ['xz']);
  assert.match(
    sources(read(['FROM x', 'COPY a\\ b.txt /d/'])).join(),
    /WHOLE: line 2: COPY has an escaped space in its sources/,
  );
});
