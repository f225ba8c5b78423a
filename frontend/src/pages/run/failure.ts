/** What a failed run's page shows about why: the exception's traceback, found in its log lines. */

const PREFIX = /^\d{2}:\d{2}:\d{2} \| ?/;
const START = "Traceback (most recent call last):";

/** Log lines without the SDK's `HH:MM:SS | ` prefix. */
export function stripPrefix(line: string): string {
  return line.replace(PREFIX, "");
}

/**
 * The last traceback in `lines`: from its "Traceback (most recent call last):" to the exception
 * line (the first line after the indented frames), or null when the log holds none.
 */
export function extractTraceback(lines: readonly string[]): string | null {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (stripPrefix(lines[i] as string).startsWith(START)) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const out: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const text = stripPrefix(lines[i] as string);
    out.push(text);
    // Frames are indented; chained exceptions repeat the pattern. The first unindented line
    // after the header that is not a chain marker ends it.
    if (i > start && text !== "" && !text.startsWith(" ") && !text.startsWith(START) && !/^During handling|^The above exception/.test(text)) {
      const next = lines[i + 1] === undefined ? "" : stripPrefix(lines[i + 1] as string);
      if (!next.startsWith(" ") && !next.startsWith(START) && !/^During handling|^The above exception|^$/.test(next)) break;
      if (next === "") break;
    }
  }
  return out.join("\n");
}
