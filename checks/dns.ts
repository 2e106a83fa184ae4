/**
 * dns.resolver: the resolver the container is given (/etc/resolv.conf); dns.resolve: does each
 * target's name resolve inside the container, the way the go command resolves it.
 */
import type { Evidence, TargetEvidence } from '../src/model.js';
import { type ImageCheck, result, resolverName, secs, type TargetCheck, isProxyOnly } from './check.js';
import { dnsFix, resolverFix, stubResolverFix } from './fixes.js';
import { engineOf } from './engine-fixes.js';

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
    const fix = (cause: 'timeout' | 'nxdomain' | 'other') => dnsFix({ host: d.host, cause, resolver, network: ev.context.network, engine: engineOf(ev) });
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

/** dns.resolver: /etc/resolv.conf inside the container. A host stub (127.0.0.53) only works with --network host. */
export const dnsResolver = {
  id: 'dns.resolver',
  category: 'dns',
  title: 'Resolver configuration',
  evaluate(ev: Evidence) {
    const rc = ev.facts.resolvConf;
    const evidence = { ...rc };
    const base = { target: '/etc/resolv.conf', ms: null, evidence };
    if (!rc.present || rc.nameservers.length === 0) {
      return [{ ...base, status: 'fail' as const, cause: 'dns.no_resolver' as const, summary: rc.present ? 'no nameserver line in /etc/resolv.conf' : '/etc/resolv.conf is missing or unreadable', fix: `give the container a resolver: ${resolverFix(engineOf(ev))}` }];
    }
    const stub = rc.nameservers.some((n) => n.startsWith('127.') && n !== '127.0.0.11');
    if (stub && ev.context.network !== 'host') {
      return [{ ...base, status: 'warn' as const, cause: 'dns.stub_resolver' as const, summary: `nameserver ${rc.nameservers.join(', ')} is a loopback stub: inside a container it is the container itself`, fix: stubResolverFix(engineOf(ev)) }];
    }
    const extra = rc.search.length ? ` · search ${rc.search.join(' ')}` : '';
    return [{ ...base, status: 'pass' as const, cause: null, summary: `nameserver ${resolverName(ev)}${extra}`, fix: null }];
  },
} satisfies ImageCheck;
