// Scratch: one default-command run per scenario with --debug phases (not committed).
import { startLab } from '../helpers/lab.js';
import { GOBUILDER_TAG } from '../helpers/fixtures.js';
import { doctorPhases, runDoctor } from './measure.js';
const lab = await startLab();
try {
  const T = process.env.T ?? '3';
  const names = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i + 1}.lab.test`);
  const sc = (process.env.SC ?? 'healthy,blackholed,silent').split(',');
  for (const s of sc) {
    const ts = s === 'blackholed' ? names('bh', 5) : names('ok', 5);
    const add = s === 'blackholed' ? [...ts, lab.sumdb.name].flatMap((n) => ['--add-host', `${n}:${lab.blackhole}`]) : [];
    if (s === 'silent') lab.dns.set('*.lab.test', 'silent'); else lab.dns.reset();
    const args = ['--image', GOBUILDER_TAG, '--network', lab.network, '--dns', lab.gateway, '--ca-cert', lab.caFile, '--no-default-targets', '--timeout', T,
      '-e', `GOPROXY=https://${ts[0]},direct`, '-e', `GOSUMDB=${lab.sumdb.gosumdb}`, ...add, ...ts.flatMap((t) => ['--probe', `https://${t}`])];
    const d = await runDoctor(args, { hostDns: lab.gateway });
    console.log(`${s}: wall ${Math.round(d.wallMs)} ms rss ${d.maxRssKb} exit ${d.code}`);
    for (const c of d.report.checks) if (c.category === 'e2e' || c.category === 'host') console.log(`   ${c.id} ${c.target} ${c.status} ${c.cause} ${c.ms}`);
    if (process.env.PHASES) {
      const ph = await doctorPhases(args, lab.gateway);
      console.log(ph.map((p) => `${Math.round(p.atMs)} ${p.what}`).join('\n'));
    }
  }
} finally {
  await lab.stop();
}
