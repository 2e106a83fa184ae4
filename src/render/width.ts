/**
 * Terminal text measured in columns: plain text is wrapped and cut first, colour is added
 * after, so a line break can never fall inside an escape sequence. Widths come from
 * string-width, the same version cli-table3 measures its cells with, so both agree.
 */
import stringWidth from 'string-width';

export const textWidth = (text: string): number => stringWidth(text);

/** Cut `text` to at most `width` columns, ending with … when anything was cut. */
export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Split a word wider than `width` into pieces that fit (URLs, long paths). */
function splitWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (piece && textWidth(piece + ch) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/**
 * Word-wrap one line of plain text to `width` columns; words wider than a line are split.
 * `indent` starts every line after the first (a hanging indent), and counts in the width.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => width - (lines.length ? textWidth(indent) : 0);
  const flush = () => {
    lines.push(lines.length ? indent + line : line);
    line = '';
  };
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate) <= room()) {
      line = candidate;
      continue;
    }
    if (line) flush();
    if (textWidth(word) <= room()) {
      line = word;
      continue;
    }
    for (const piece of splitWord(word, Math.max(1, room()))) {
      if (line) flush();
      line = piece;
    }
  }
  if (line || !lines.length) flush();
  return lines;
}

/** wrap(), but at most `max` lines: the last one kept is cut with …. */
export function wrapAtMost(text: string, width: number, max: number, indent = ''): string[] {
  const lines = wrap(text, width, indent);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const rest = lines.slice(max - 1).map((l, i) => (i ? l.slice(indent.length) : l)).join(' ');
  kept[max - 1] = truncate(rest, width);
  return kept;
}
