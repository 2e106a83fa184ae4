/** dns.resolve: does the target's name resolve inside the container, the way the go command resolves it. */
import type { Evidence, TargetEvidence } from '../src/model.js';
import { result, resolverName, secs, type TargetCheck, isProxyOnly } from './check.js';
import { dnsFix } from './fixes.js';

export const dnsResolve = {
  id: 'dns.resolve',
  category: 'dns',
  title: 'DNS resolution',
  step: 'dns',
  appliesTo: (t) => !isProxyOnly(t),
  needs: () => [],
  targetName: (t) => t.host,
  evaluate(te: TargetEvidence, ev: Evidence) {
    const d = te.dns!;
    const evidence = { tool: d.tool, outcome: d.outcome, a: d.v4, aaaa: d.v6, fromHostsFile: d.fromHostsFile, resolver: ev.facts.resolvConf.nameservers, message: d.message };
    const resolver = resolverName(ev);
    const fix = (cause: 'timeout' | 'nxdomain' | 'other') => dnsFix({ host: d.host, cause, resolver, network: ev.context.network });
    switch (d.outcome) {
      case 'resolved': {
        const a = d.v4.length ? `A ${d.v4.join(' ')}` : 'no A';
        const aaaa = d.v6.length ? `AAAA ${d.v6.join(' ')}` : 'no AAAA';
        const src = d.fromHostsFile ? '/etc/hosts' : resolver;
        return result('pass', `${a}, ${aaaa} in ${d.ms ?? '?'} ms (${d.tool} via ${src})`, { ms: d.ms, evidence });
      }
      case 'no_tool':
        return result('skip', 'cannot resolve with this image\'s tools (no getent or nslookup) and the name is not in /etc/hosts', { cause: 'tool.missing', evidence });
      case 'timeout':
        return result('fail', `no answer from ${resolver} within ${secs(ev.context.timeoutMs)}`, { ms: d.ms, cause: 'dns.timeout', evidence, fix: fix('timeout') });
      case 'nxdomain':
        return result('fail', `${resolver} says ${d.host} does not exist (NXDOMAIN) after ${d.ms ?? '?'} ms`, { ms: d.ms, cause: 'dns.nxdomain', evidence, fix: fix('nxdomain') });
      case 'no_answer':
        return result('fail', `${d.host} has no A or AAAA record at ${resolver}`, { ms: d.ms, cause: 'dns.no_answer', evidence, fix: fix('nxdomain') });
      default:
        return result('fail', `${resolver} failed to answer for ${d.host}${d.message ? `: ${d.message}` : ''}`, { ms: d.ms, cause: 'dns.servfail', evidence, fix: fix('other') });
    }
  },
} satisfies TargetCheck;
