/** The host side's lookup (src/host/lookup.ts): /etc/hosts first, then a cancellable DNS query. */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { hostsFileAddresses } from '../../src/host/lookup.js';
import { dnsOutcome } from '../../src/host/readings.js';

const test = suite('host lookup');

test('hostsFileAddresses: every address naming the host, in file order, comments and case ignored', () => {
  const text = '127.0.0.1 localhost\n# 10.0.0.9 proxy.example\n10.0.0.2 Proxy.Example mirror # lab\n::1 localhost proxy.example\n10.0.0.2 proxy.example\nbogus proxy.example\n';
  assert.equal(hostsFileAddresses(text, 'proxy.example'), ['10.0.0.2', '::1']);
  assert.equal(hostsFileAddresses(text, 'mirror'), ['10.0.0.2']);
  assert.equal(hostsFileAddresses(text, 'lab'), []);
  assert.equal(hostsFileAddresses('', 'x'), []);
});

test('c-ares codes read as getaddrinfo\'s: SERVFAIL and a refused query are the resolver giving no answer', () => {
  for (const code of ['ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED', 'EREFUSED']) assert.is(dnsOutcome(code), 'timeout', code);
  assert.is(dnsOutcome('ENOTFOUND'), 'nxdomain');
  assert.is(dnsOutcome('ECANCELLED'), 'error');
});

test.run();
