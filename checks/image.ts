/** Image-wide rows: who and what the probe ran as, and which resolver the container uses. */
import type { Evidence } from '../src/model.js';
import { type ImageCheck, resolverName } from './check.js';
import { stubResolverFix } from './fixes.js';

/** engine.probe: the probe really ran, as whom, with which tools. Always pass: it is the context for every other row. */
export const engineProbe = {
  id: 'engine.probe',
  category: 'engine',
  title: 'Probe container',
  evaluate(ev: Evidence) {
    const f = ev.facts;
    const who = `${f.userName ?? ev.user} (uid ${f.uid ?? '?'}, gid ${f.gid ?? '?'})`;
    const tools = Object.keys(f.tools).join(' ') || 'none';
    return [
      {
        target: ev.image,
        status: 'pass' as const,
        ms: null,
        cause: null,
        summary: `ran as ${who} · tools: ${tools} · engine ${ev.engine.version} (API ${ev.engine.apiVersion})`,
        evidence: { engine: ev.engine, user: ev.user, uid: f.uid, gid: f.gid, home: f.home, os: f.os, tools: f.tools, clockSource: f.clockSource, goEnvError: f.goEnvError },
        fix: null,
      },
    ];
  },
} satisfies ImageCheck;

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
      return [{ ...base, status: 'fail' as const, cause: 'dns.no_resolver' as const, summary: rc.present ? 'no nameserver line in /etc/resolv.conf' : '/etc/resolv.conf is missing or unreadable', fix: 'give the container a resolver: docker build --dns <resolver-ip> . (or "dns" in /etc/docker/daemon.json)' }];
    }
    const stub = rc.nameservers.some((n) => n.startsWith('127.') && n !== '127.0.0.11');
    if (stub && ev.context.network !== 'host') {
      return [{ ...base, status: 'warn' as const, cause: 'dns.stub_resolver' as const, summary: `nameserver ${rc.nameservers.join(', ')} is a loopback stub: inside a container it is the container itself`, fix: stubResolverFix() }];
    }
    const extra = rc.search.length ? ` · search ${rc.search.join(' ')}` : '';
    return [{ ...base, status: 'pass' as const, cause: null, summary: `nameserver ${resolverName(ev)}${extra}`, fix: null }];
  },
} satisfies ImageCheck;
