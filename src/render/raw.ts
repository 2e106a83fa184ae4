/**
 * -v: the agent's raw evidence, block by block, as it came out of the container: what
 * ran (tool, command, exit status, time) and what it printed. Terminal-safe. Pure.
 */
import type { RawBlock } from '../model.js';
import { sanitizeLine } from './sanitize.js';

/** Keys that say what ran; the rest of a block's kv lines are measurements. */
const HEAD = ['cmd', 'tool', 'rc', 'ms'];

export function renderRaw(raw: readonly RawBlock[] | undefined): string {
  if (!raw?.length) return '';
  const out = ['', 'Raw evidence (each probe block as the agent printed it in the container):'];
  for (const b of raw) {
    const get = (k: string) => b.kv.find(([key]) => key === k)?.[1];
    const head = HEAD.flatMap((k) => (get(k) !== undefined ? [`${k}=${get(k)}`] : [])).join(' ');
    out.push('', `── ${sanitizeLine(b.id)}${head ? `  ${sanitizeLine(head)}` : ''}`);
    for (const [k, v] of b.kv) if (!HEAD.includes(k)) out.push(`   ${sanitizeLine(k)}: ${sanitizeLine(v)}`);
    for (const line of b.lines) out.push(`   | ${sanitizeLine(line)}`);
  }
  return `${out.join('\n')}\n`;
}
