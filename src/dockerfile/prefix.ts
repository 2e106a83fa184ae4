/**
 * The text to build for a probe step: the user's Dockerfile up to the go step. For the
 * classic builder cache mounts are stripped and what it cannot build listed; BuildKit
 * builds the lines as they are, and the probe step carries the go step's own mounts. Pure.
 */
import type { Copy, Run } from 'dockerfile-ast';
import type { DockerfileEvidence } from '../model.js';
import { parseMount } from './run-instruction.js';
import { type DockerfileInput, lineOf, parseDockerfile } from './stage.js';

/** COPY/ADD flags the classic builder takes; any other needs BuildKit (or an engine newer than 20.10). */
const CLASSIC_COPY_FLAGS: Record<string, Set<string>> = { COPY: new Set(['from', 'chown']), ADD: new Set(['chown']) };

/**
 * The Dockerfile up to (not including) the go step of the chosen stage — the whole stage
 * when it has none; later stages dropped — with `RUN --mount=type=cache` flags stripped
 * (the classic builder rejects every RUN flag) and what it still cannot build listed.
 */
export function buildPrefix(
  input: DockerfileInput,
  ev: DockerfileEvidence,
): { text: string; strippedMounts: string[]; unsupported: string[]; buildkitText: string; goStepMounts: string[] } {
  const { all, escape } = parseDockerfile(input);
  const lines = input.text.split('\n');
  const nextFrom = all.find((i) => i.getKeyword() === 'FROM' && lineOf(i) > ev.stageLine);
  const cut = ev.goStep ? ev.goStep.line - 1 : nextFrom ? nextFrom.getRange().start.line : lines.length;
  const strippedMounts: string[] = [];
  const unsupported: string[] = [];
  const cuts = new Map<number, Array<[number, number]>>();
  for (const ins of all.filter((x) => x.getRange().start.line < cut)) {
    const kw = ins.getKeyword();
    const at = `${input.path}:${lineOf(ins)} ${kw}`;
    if (kw === 'RUN') {
      for (const f of (ins as Run).getFlags()) {
        const value = f.getValue();
        const text = `--${f.getName()}${value !== null ? `=${value}` : ''}`;
        if (f.getName() !== 'mount' || parseMount(value ?? '', (s) => s).type !== 'cache') {
          unsupported.push(`${at} ${text}`);
          continue;
        }
        strippedMounts.push(text);
        const r = f.getRange();
        let end = r.end.character;
        while (/[ \t]/.test(lines[r.start.line]![end] ?? '')) end++;
        cuts.set(r.start.line, [...(cuts.get(r.start.line) ?? []), [r.start.character, end]]);
      }
    }
    if (kw === 'COPY' || kw === 'ADD') {
      for (const f of (ins as Copy).getFlags()) if (!CLASSIC_COPY_FLAGS[kw]!.has(f.getName())) unsupported.push(`${at} --${f.getName()}`);
    }
    if ((kw === 'RUN' || kw === 'COPY') && (ins as Run | Copy).getHeredocs().length) unsupported.push(`${at} <<${(ins as Run | Copy).getHeredocs()[0]!.getName()} (heredoc)`);
  }
  const esc = new RegExp(`^[ \\t]*${escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}[ \\t]*\\r?$`);
  const kept = lines.slice(0, cut).flatMap((line, n) => {
    const ranges = cuts.get(n);
    if (!ranges) return [line];
    let out = line;
    for (const [a, b] of [...ranges].sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
    // A continuation line that held only the mount flag goes entirely.
    return esc.test(out) && !/^\s*RUN\b/i.test(out) ? [] : [out];
  });
  // BuildKit: the lines as written; the go step's --mount flags go onto the probe step.
  const goRun = ev.goStep ? all.find((i) => i.getKeyword() === 'RUN' && lineOf(i) === ev.goStep!.line) : undefined;
  const goStepMounts = goRun ? (goRun as Run).getFlags().filter((f) => f.getName() === 'mount').map((f) => `--mount=${f.getValue() ?? ''}`) : [];
  const buildkitText = `${lines.slice(0, cut).join('\n').replace(/\s*$/, '')}\n`;
  return { text: `${kept.join('\n').replace(/\s*$/, '')}\n`, strippedMounts, unsupported, buildkitText, goStepMounts };
}
