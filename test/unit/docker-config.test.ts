// src/engine/docker-config.ts: the proxies the docker CLI injects from config.json
// (docker/cli ParseProxyConfig), and where it finds config.json.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configProxyEnv, dockerConfigPath } from '../../src/engine/docker-config.js';

const SOCK = 'unix:///var/run/docker.sock';
const config = (proxies: unknown) => JSON.stringify({ auths: {}, proxies });

const Proxies = suite('configProxyEnv');

Proxies('default proxies: each variable in both cases, in a stable order', () => {
  const got = configProxyEnv(config({ default: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3129', noProxy: '.corp,10.0.0.0/8' } }), SOCK, []);
  assert.equal(got, {
    key: 'default',
    env: ['HTTP_PROXY=http://proxy:3128', 'http_proxy=http://proxy:3128', 'HTTPS_PROXY=http://proxy:3129', 'https_proxy=http://proxy:3129', 'NO_PROXY=.corp,10.0.0.0/8', 'no_proxy=.corp,10.0.0.0/8'],
  });
});

Proxies('ftpProxy and allProxy are injected too', () => {
  const got = configProxyEnv(config({ default: { ftpProxy: 'http://ftp:21', allProxy: 'socks5://s:1080' } }), SOCK, []);
  assert.equal(got?.env, ['FTP_PROXY=http://ftp:21', 'ftp_proxy=http://ftp:21', 'ALL_PROXY=socks5://s:1080', 'all_proxy=socks5://s:1080']);
});

Proxies('the entry keyed by the engine host beats default, without merging', () => {
  const text = config({ default: { httpProxy: 'http://default:3128', noProxy: 'x' }, 'tcp://build.corp:2376': { httpsProxy: 'http://remote:3128' } });
  assert.equal(configProxyEnv(text, 'tcp://build.corp:2376', []), { key: 'tcp://build.corp:2376', env: ['HTTPS_PROXY=http://remote:3128', 'https_proxy=http://remote:3128'] });
  assert.is(configProxyEnv(text, SOCK, [])?.key, 'default');
});

Proxies('a name the user set with -e is not overridden; the other case still is', () => {
  const text = config({ default: { httpsProxy: 'http://proxy:3128', noProxy: '.corp' } });
  const got = configProxyEnv(text, SOCK, ['HTTPS_PROXY=http://mine:8080', 'no_proxy=', 'GOFLAGS=-mod=mod']);
  assert.equal(got?.env, ['https_proxy=http://proxy:3128', 'NO_PROXY=.corp']);
});

Proxies('empty values are skipped; nothing usable → null', () => {
  assert.equal(configProxyEnv(config({ default: { httpProxy: '', httpsProxy: 'http://p:1' } }), SOCK, [])?.env, ['HTTPS_PROXY=http://p:1', 'https_proxy=http://p:1']);
  assert.is(configProxyEnv(config({ default: { httpProxy: '' } }), SOCK, []), null);
  assert.is(configProxyEnv(config({ 'tcp://other:2376': { httpProxy: 'http://p:1' } }), SOCK, []), null);
  assert.is(configProxyEnv(JSON.stringify({ auths: { 'registry.corp': {} } }), SOCK, []), null);
  assert.is(configProxyEnv('{}', SOCK, []), null);
  assert.is(configProxyEnv('null', SOCK, []), null);
});

Proxies('every variable already set with -e → null (nothing injected)', () => {
  assert.is(configProxyEnv(config({ default: { httpProxy: 'http://p:1' } }), SOCK, ['HTTP_PROXY=x', 'http_proxy=y']), null);
});

Proxies('malformed JSON throws (the caller warns and goes on, as the docker CLI does)', () => {
  assert.throws(() => configProxyEnv('{"proxies": {', SOCK, []));
});

const Path = suite('dockerConfigPath');

Path('$DOCKER_CONFIG, else ~/.docker', () => {
  assert.is(dockerConfigPath({ DOCKER_CONFIG: '/etc/ci/docker' }), '/etc/ci/docker/config.json');
  assert.is(dockerConfigPath({}), join(homedir(), '.docker', 'config.json'));
  assert.is(dockerConfigPath({ DOCKER_CONFIG: '' }), join(homedir(), '.docker', 'config.json'));
});

Proxies.run();
Path.run();
