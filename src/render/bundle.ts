/**
 * `gomod-doctor report`: everything one run saw, as one JSON document a customer can
 * attach to a ticket, plus its markdown rendering. Redaction is the point: every string
 * goes through redactDeep/redactText (known secrets, URL passwords, token shapes, private
 * keys) before it is returned. Pure: the CLI writes the files.
 */
import type { Evidence, Report } from '../model.js';
import type { DoctorOptions } from '../options.js';
import { redactDeep, redactText } from '../redact.js';
import { renderMarkdown } from './markdown.js';
import { renderRaw } from './raw.js';

export interface BundleMeta {
  createdAt: Date;
  version: string;
  node: string;
  platform: string;
  argv: string[];
}

export interface Bundle {
  json: string;
  markdown: string;
}

export function buildBundle(ev: Evidence, report: Report, opts: DoctorOptions, known: readonly string[], meta: BundleMeta): Bundle {
  const doc = {
    kind: 'gomod-doctor-report',
    bundleVersion: 1,
    createdAt: meta.createdAt.toISOString(),
    tool: { name: 'gomod-doctor', version: meta.version, node: meta.node, platform: meta.platform },
    invocation: { argv: meta.argv, configFile: opts.configFile, format: opts.format, mode: opts.mode, timeoutMs: opts.timeoutMs },
    engine: { ...ev.engine, facts: ev.engineFacts ?? null, pull: ev.pull ?? null },
    image: ev.image,
    user: ev.user,
    stage: ev.build ?? null,
    variables: ev.env,
    verdict: report.summary,
    checks: report.checks,
    buildChecks: report.buildChecks ?? null,
    evidence: { ...ev, raw: undefined },
    raw: ev.raw ?? [],
  };
  const json = `${JSON.stringify(redactDeep(doc, known), null, 2)}\n`;
  const env = ev.env.map((v) => `| \`${v.name}\` | \`${v.value.replace(/[`|]/g, ' ')}\` | ${v.origin ?? v.source} |`);
  const markdown = [
    renderMarkdown(report),
    '',
    '## What the doctor saw',
    '',
    `- gomod-doctor ${meta.version} on ${meta.platform}, Node.js ${meta.node}`,
    `- engine ${ev.engine.version} (API ${ev.engine.apiVersion}) at ${ev.engine.endpoint}`,
    `- image ${ev.image} as ${ev.user}${ev.build ? `, Dockerfile ${ev.build.path} stage ${ev.build.stage}` : ''}`,
    `- command: \`gomod-doctor ${meta.argv.join(' ').replace(/`/g, "'")}\``,
    '',
    '| variable | value | from |',
    '|---|---|---|',
    ...env,
    '',
    '<details><summary>Raw evidence</summary>',
    '',
    '```',
    renderRaw(ev.raw).trim(),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
  return { json, markdown: redactText(markdown, known) };
}
