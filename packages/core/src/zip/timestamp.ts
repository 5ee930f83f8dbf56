// Owns the one timestamp every zip entry carries: 1980-01-01 00:00, or SOURCE_DATE_EPOCH.
// Leaves writing entries to write-zip.ts.

export interface ZipTime {
  /** A Date whose *local* fields are the wanted DOS time (the zip writer reads local fields). */
  date: Date;
  /** The same time as text, for keys. */
  label: string;
}

/** Reads SOURCE_DATE_EPOCH (seconds, UTC) if set; the result does not depend on the time zone. */
export function zipTime(env: NodeJS.ProcessEnv = process.env): ZipTime {
  const raw = env.SOURCE_DATE_EPOCH;
  const epoch = raw !== undefined && isSourceDateEpoch(raw) ? Number(raw) : undefined;
  // DOS times start in 1980; earlier epochs clamp to its first second.
  const utc = new Date(Math.max(epoch ?? 0, 315_532_800) * 1000);
  const date = new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
  return { date, label: utc.toISOString() };
}

/** Whole seconds, as the reproducible-builds spec defines the variable (session/environment.ts refuses anything else). */
export function isSourceDateEpoch(raw: string): boolean {
  return /^\d+$/.test(raw) && Number(raw) <= LAST_DOS_SECOND;
}

/** 2107-12-31 23:59:59 UTC: a zip's DOS date counts years from 1980 in 7 bits. */
export const LAST_DOS_SECOND = 4_354_819_199;
