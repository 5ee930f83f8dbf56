// Generates offline synthetic monorepos for the benchmark: N functions over 20 requirement sets of
// 10 small wheels, a shared library, and one heavy function whose dependency unpacks to ~40 MB in
// ~3,500 files of varied Python source. Deterministic; wheels are cached under bench/out/cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);
export const CACHE = path.join(HERE, 'out', 'cache');

// Wheels are built by Python's zipfile: one script, both the small wheels and the heavy one.
const WHEELS_PY = String.raw`
import base64, hashlib, random, sys, zipfile
out, heavy_files, heavy_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
WORDS = ("account order item price total customer request response cache session token value index "
         "record batch stream parse render encode decode validate").split()
def source(rng, size):
    lines, n = [], 0
    while n < size:
        name = "_".join(rng.choice(WORDS) for _ in range(2)) + str(rng.randrange(1000))
        args = ", ".join(rng.sample(WORDS, rng.randrange(1, 4)))
        body = [f"def {name}({args}):", f'    """{rng.choice(WORDS).title()} the {rng.choice(WORDS)} of {rng.choice(WORDS)}."""']
        for _ in range(rng.randrange(3, 9)):
            a, b = rng.sample(WORDS, 2)
            body.append(f"    {a} = {b}.get({rng.randrange(100)!r}, {rng.choice(WORDS)!r}) if {b} else {rng.randrange(10**6)}")
        body.append(f"    return {rng.choice(WORDS)}")
        text = "\n".join(body) + "\n\n"
        lines.append(text); n += len(text)
    return "".join(lines)
def wheel(name, files, requires=()):
    info = f"{name}-1.0.dist-info"
    files = dict(files)
    requires_dist = "".join(f"Requires-Dist: {r}\n" for r in requires)
    files[f"{info}/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n%s" % (name, requires_dist)
    files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: juni-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    digest = lambda c: base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b'=').decode()
    rec = [f"{p},sha256={digest(c)},{len(c.encode())}" for p, c in files.items()]
    files[f"{info}/RECORD"] = "\n".join(rec + [f"{info}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(f"{out}/{name}-1.0-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for p in sorted(files):
            z.writestr(zipfile.ZipInfo(p, (1980, 1, 1, 0, 0, 0)), files[p])
rng = random.Random(7)
for i in range(10):
    wheel(f"benchpkg{i}", {f"benchpkg{i}/__init__.py": source(rng, 2000), f"benchpkg{i}/core.py": source(rng, 8000)})
per = heavy_bytes // heavy_files
files = {}
for i in range(heavy_files):
    files[f"heavylib/m{i // 100:02d}/mod{i:04d}.py"] = source(rng, per)
wheel("heavylib", files)
`;

/** The wheels, generated once. */
export function ensureWheels({ heavyFiles = 3500, heavyBytes = 40 * 1024 * 1024 } = {}) {
  const marker = path.join(CACHE, `wheels-${heavyFiles}-${heavyBytes}.done`);
  const dir = path.join(CACHE, 'wheels');
  if (!existsSync(marker)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-c', WHEELS_PY, dir, String(heavyFiles), String(heavyBytes)], { stdio: 'inherit' });
    writeFileSync(marker, '');
  }
  return dir;
}

function write(file, content) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A project of `n` functions (fn0000...) plus the heavy one, in `dir`. */
export function generateProject(dir, n, wheels) {
  write(path.join(dir, 'pip.conf'), `[global]\nno-index = true\nfind-links = ${wheels}\n`);
  // 20 distinct requirement sets over 10 wheels: set s uses wheels s % 10 and (s * 3 + 1) % 10 ...
  for (let s = 0; s < 20; s++) {
    const pkgs = [...new Set([s % 10, (s * 3 + 1) % 10, (s * 7 + 2) % 10].slice(0, 1 + (s % 3)))].sort();
    write(path.join(dir, 'reqs', `set${String(s).padStart(2, '0')}.txt`), pkgs.map((p) => `benchpkg${p}\n`).join(''));
  }
  write(path.join(dir, 'reqs', 'heavy.txt'), 'heavylib\n');
  for (let i = 0; i < 30; i++)
    write(
      path.join(dir, 'shared', 'common', `mod${i}.py`),
      `"""Shared module ${i}."""\n\n` +
        'def helper_%d(x):\n    return x * %d\n\n'.repeat(40).replaceAll('%d', String(i)),
    );
  const lines = ['global:', '  executor: local', '  pipconf: ./pip.conf', 'functions:'];
  for (let i = 0; i < n; i++) {
    const name = `fn${String(i).padStart(4, '0')}`;
    write(
      path.join(dir, 'functions', name, 'handler.py'),
      `from common import mod${i % 30}\n\n\ndef handler(event, context):\n    return mod${i % 30}.helper_${i % 30}(${i})\n`,
    );
    lines.push(
      `  ${name}:`,
      `    requirements: ./reqs/set${String(i % 20).padStart(2, '0')}.txt`,
      '    include:',
      `      - ./functions/${name}/`,
      '      - ./shared/common/',
    );
  }
  write(
    path.join(dir, 'functions', 'heavy', 'handler.py'),
    'import heavylib\n\n\ndef handler(event, context):\n    return 1\n',
  );
  lines.push('  heavy:', '    requirements: ./reqs/heavy.txt', '    include: [./functions/heavy/]');
  write(path.join(dir, 'manifest.yml'), lines.join('\n') + '\n');
}
