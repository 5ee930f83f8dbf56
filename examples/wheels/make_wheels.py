#!/usr/bin/env python3
"""Builds the examples' wheels from src/ (offline, reproducible: fixed timestamps, sorted entries).

Each folder src/<name>-<version>/ holds a package's files and an optional `requires.txt`;
the wheel gets a .dist-info with METADATA, WHEEL and RECORD, as pip expects.
Run: python3 examples/wheels/make_wheels.py
"""
import base64
import hashlib
import pathlib
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
FIXED = (1980, 1, 1, 0, 0, 0)


def digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build(source: pathlib.Path) -> pathlib.Path:
    name, version = source.name.rsplit("-", 1)
    files = {}
    requires = []
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(source).as_posix()
        if rel == "requires.txt":
            requires = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        else:
            files[rel] = path.read_bytes()
    info = f"{name}-{version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    meta += [f"Requires-Dist: {r}" for r in requires]
    files[f"{info}/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: juni-examples\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{p},{digest(d)},{len(d)}" for p, d in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = HERE / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(files):
            entry = zipfile.ZipInfo(rel, FIXED)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, files[rel])
    return wheel


# Docker examples need their wheels inside their own folder: only the manifest folder is mounted
# in the build container, so a find-links outside it would not resolve there.
COPIES = {"ridge": ["jsonschema_lite"], "html-to-pdf": ["pdfutil"]}

if __name__ == "__main__":
    for src in sorted((HERE / "src").iterdir()):
        wheel = build(src)
        print(wheel.name)
        for example, names in COPIES.items():
            if wheel.name.split("-")[0] in names:
                target = HERE.parent / example / "wheels"
                target.mkdir(exist_ok=True)
                (target / wheel.name).write_bytes(wheel.read_bytes())
