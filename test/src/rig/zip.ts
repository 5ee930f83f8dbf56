// Reads zips back with Python's zipfile: an implementation independent of the one under test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface ZipEntryInfo {
  name: string;
  /** Unix mode from the external attributes, e.g. 0o100644. */
  mode: number;
  dateTime: number[];
  method: number;
  text: string;
}

const READER = `
import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, 'bad CRC'
print(json.dumps([{'name': i.filename, 'mode': i.external_attr >> 16, 'dateTime': list(i.date_time),
  'method': i.compress_type, 'text': z.read(i).decode('utf-8', 'replace')} for i in z.infolist()]))
`;

export function readZip(file: string): ZipEntryInfo[] {
  return JSON.parse(
    execFileSync('python3', ['-c', READER, file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }),
  ) as ZipEntryInfo[];
}

export function zipNames(file: string): string[] {
  return readZip(file).map((e) => e.name);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
