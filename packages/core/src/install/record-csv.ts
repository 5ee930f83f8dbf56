// Owns RECORD's CSV as Python's csv module reads and writes it (the excel dialect pip uses):
// `"` quotes, `""` inside quotes, rows written with `\r\n`. Leaves what the rows mean to
// wheel-install.ts.

/**
 * The rows of `text`, read line by line as pip does (`csv.reader(text.splitlines())`, so a quoted
 * field cannot span lines); undefined for a quote csv would read differently from this reader.
 */
export function parseCsv(text: string): string[][] | undefined {
  const rows: string[][] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === '') continue;
    const row = parseLine(line);
    if (row === undefined) return undefined;
    rows.push(row);
  }
  return rows;
}

function parseLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return undefined;
      fields.push(field);
    } else {
      const end = line.indexOf(',', i);
      const field = end === -1 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) return undefined;
      fields.push(field);
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** One row as csv.writer writes it: a field quoted when it holds `,`, `"`, `\r` or `\n`. */
export function writeCsvRow(row: readonly string[]): string {
  return `${row.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\r\n`;
}
