/** The machine report, JSON contract v1 (docs/json.md). One document, nothing else on stdout. */
import type { Report } from '../model.js';

export function renderJson(report: Report): string {
  // JSON.stringify escapes control characters, so container text cannot reach the terminal raw.
  return `${JSON.stringify(report, null, 2)}\n`;
}
