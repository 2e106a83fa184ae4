/**
 * Writes docs/output.md from real runs: the bundled bin against the test lab (a healthy run
 * of the default targets, and one whose DNS server never answers), its default output as a
 * pipe or an 80-column terminal shows it. With --fixtures it also records both runs' JSON in
 * test/fixtures/reports/ for the renderer's unit tests.
 *
 *   npm run docs:examples [-- --fixtures]
 *
 * Needs the engine and the fixture images (as the e2e tests do); takes the e2e lock's engine.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli, runJson } from '../test/helpers/cli.js';
import { GOBUILDER_TAG } from '../test/helpers/fixtures.js';
import { startLab, type Lab } from '../test/helpers/lab.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

interface Example {
  name: string;
  title: string;
  fixture: string;
  /** The arguments, and how they read in the doc (lab addresses named, not numbered). */
  args: (lab: Lab) => string[];
  shown: string;
}

const base = (lab: Lab, dns: string) => ['--image', GOBUILDER_TAG, '--dns', dns, '--ca-cert', lab.caFile, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`];

const EXAMPLES: Example[] = [
  {
    name: 'healthy',
    title: 'A healthy run (the five default targets and the image\'s checksum database)',
    fixture: 'default-healthy',
    args: (lab) => base(lab, lab.gateway),
    shown: `gomod-doctor --image ${GOBUILDER_TAG} --dns <lab DNS> --ca-cert lab-ca.pem -e GOSUMDB=<lab sumdb>`,
  },
  {
    name: 'dns',
    title: 'A failing run: the DNS server the container is given never answers',
    fixture: 'default-dns-silent',
    args: (lab) => [...base(lab, lab.blackhole), '--timeout', '2'],
    shown: `gomod-doctor --image ${GOBUILDER_TAG} --dns <silent address> --ca-cert lab-ca.pem -e GOSUMDB=<lab sumdb> --timeout 2`,
  },
];

async function main(): Promise<void> {
  const fixtures = process.argv.includes('--fixtures');
  const lab = await startLab();
  const sections: string[] = [];
  try {
    for (const ex of EXAMPLES) {
      const args = ex.args(lab);
      // The host side of the comparison resolves through the lab's DNS, as a workstation would.
      const human = await runCli(args, { hostDns: lab.gateway, timeoutMs: 120_000 });
      if (human.code !== 0 && human.code !== 1) throw new Error(`${ex.name}: exit ${human.code}\n${human.stderr}`);
      const lines = human.stdout.replace(/\n$/, '').split('\n');
      const widest = Math.max(...lines.map((l) => [...l].length));
      sections.push(
        `## ${ex.title}\n\n` +
          `\`\`\`\n$ ${ex.shown}\n${human.stdout.replace(/\n$/, '')}\n$ echo $?\n${human.code}\n\`\`\`\n\n` +
          `${lines.length} lines, the widest ${widest} columns.\n`,
      );
      if (fixtures) {
        const json = await runJson(args, { hostDns: lab.gateway, timeoutMs: 120_000 });
        writeFileSync(root(`test/fixtures/reports/${ex.fixture}.json`), `${JSON.stringify(json.report, null, 2)}\n`);
      }
    }
  } finally {
    await lab.stop();
  }
  const doc = [
    '# What a person sees',
    '',
    '<!-- Written by scripts/docs-examples.ts from real runs against the test lab; do not edit by hand. -->',
    '',
    'The default output, in a terminal or a pipe: a header (image, user, engine, builder), one',
    'row per target with its chain (DNS, TCP, TLS, the module proxy request, the go command\'s own',
    'fetch through it), one row per environment area, then only what needs action, each finding',
    'once with its fix (rows another row explains are folded under it), and the verdict last.',
    'It is laid out for the terminal\'s width (80 columns in a pipe or a terminal of unknown size),',
    'coloured only on a terminal (never with `NO_COLOR`, `TERM=dumb` or in CI). `-v` or `--format',
    'table` prints every row; `--format list` is the plain, screen-reader friendly form.',
    '',
    'Marks: `✓` pass, `!` warning, `✗` fail, `–` skipped (a prerequisite failed, or nothing to measure).',
    '',
    ...sections,
  ].join('\n');
  writeFileSync(root('docs/output.md'), doc);
  process.stdout.write(`wrote docs/output.md${fixtures ? ' and test/fixtures/reports/default-*.json' : ''}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`docs-examples: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
