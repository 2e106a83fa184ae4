/**
 * The BuildKit session a `POST /build?version=2` build talks back through: the engine
 * (the gRPC client) calls into this process (the server) over a hijacked `POST /session`
 * connection. dockerode's own session serves registry auth only; this one also serves
 * BuildKit's `secrets` (GetSecret) and `sshforward` (CheckAgent, ForwardAgent) services,
 * as `docker build --secret/--ssh` do. The messages are a handful of fields, defined
 * here with protobufjs rather than shipped .proto files. gRPC loads on first use only.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import { Duplex } from 'node:stream';
import createDebug from 'debug';
import type { BuildSecret, SshSource } from './types.js';

const debug = createDebug('gomod-doctor:buildkit');
const require = createRequire(import.meta.url);

/** docker-modem's dial, as the session needs it (hijack: the socket comes back upgraded). */
export interface SessionModem {
  dial(opts: object, callback: (err: Error | null, socket: Duplex) => void): void;
}

export interface BuildSession {
  id: string;
  close(): void;
}

/** protobufjs JSON descriptors of the messages (field numbers as in BuildKit's .proto files). */
const MESSAGES = {
  CredentialsRequest: { fields: { Host: { type: 'string', id: 1 } } },
  CredentialsResponse: { fields: { Username: { type: 'string', id: 1 }, Secret: { type: 'string', id: 2 } } },
  GetSecretRequest: { fields: { ID: { type: 'string', id: 1 }, annotations: { keyType: 'string', type: 'string', id: 2 } } },
  GetSecretResponse: { fields: { data: { type: 'bytes', id: 1 } } },
  CheckAgentRequest: { fields: { ID: { type: 'string', id: 1 } } },
  CheckAgentResponse: { fields: {} },
  BytesMessage: { fields: { data: { type: 'bytes', id: 1 } } },
  HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
  // status is the ServingStatus enum on the wire: 1 is SERVING.
  HealthCheckResponse: { fields: { status: { type: 'int32', id: 1 } } },
};

/** The metadata key BuildKit names the requested SSH id with (sshforward.KeySSHID). */
const SSH_ID_KEY = 'buildkit.ssh.id';

type Codec = { encode(m: object): { finish(): Uint8Array }; decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): Record<string, unknown> };

async function codecs(): Promise<Record<keyof typeof MESSAGES, Codec>> {
  const protobuf = (await import('protobufjs')).default;
  const root = protobuf.Root.fromJSON({ nested: MESSAGES });
  return Object.fromEntries(Object.keys(MESSAGES).map((n) => [n, root.lookupType(n) as unknown as Codec])) as Record<keyof typeof MESSAGES, Codec>;
}

function method(path: string, req: Codec, res: Codec, streaming: boolean) {
  const toObject = (c: Codec) => (b: Buffer) => c.toObject(c.decode(b), { defaults: true });
  return {
    path,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: (m: object) => Buffer.from(req.encode(m).finish()),
    requestDeserialize: toObject(req),
    responseSerialize: (m: object) => Buffer.from(res.encode(m).finish()),
    responseDeserialize: toObject(res),
  };
}

/**
 * Open a session serving `secrets` and `ssh`; resolves once the engine has accepted it.
 * Secret values stay in this process: they go to the engine only when a RUN step that
 * mounts them asks, and never into an image.
 */
export async function openSession(modem: SessionModem, secrets: readonly BuildSecret[], ssh: readonly SshSource[], signal: AbortSignal): Promise<BuildSession> {
  const grpc = await import('@grpc/grpc-js');
  const c = await codecs();
  const id = randomBytes(16).toString('hex');
  const services = {
    // The engine checks the session's health every second and drops a session that does not answer.
    health: { Check: method('/grpc.health.v1.Health/Check', c.HealthCheckRequest, c.HealthCheckResponse, false) },
    auth: { Credentials: method('/moby.filesync.v1.Auth/Credentials', c.CredentialsRequest, c.CredentialsResponse, false) },
    secrets: { GetSecret: method('/moby.buildkit.secrets.v1.Secrets/GetSecret', c.GetSecretRequest, c.GetSecretResponse, false) },
    ssh: {
      CheckAgent: method('/moby.sshforward.v1.SSH/CheckAgent', c.CheckAgentRequest, c.CheckAgentResponse, false),
      ForwardAgent: method('/moby.sshforward.v1.SSH/ForwardAgent', c.BytesMessage, c.BytesMessage, true),
    },
  };
  const server = new grpc.Server();
  type Unary = (call: { request: Record<string, unknown> }, cb: (err: object | null, res?: object) => void) => void;
  server.addService(services.health as never, { Check: ((_call, cb) => cb(null, { status: 1 })) as Unary });
  // No registry credentials: the doctor builds from images already on the engine.
  server.addService(services.auth as never, { Credentials: ((_call, cb) => cb(null, {})) as Unary });
  server.addService(services.secrets as never, {
    GetSecret: ((call, cb) => {
      const s = secrets.find((x) => x.id === call.request.ID);
      debug('secret %s asked: %s', call.request.ID, s ? 'served' : 'not given');
      if (!s) cb({ code: grpc.status.NOT_FOUND, details: `secret ${String(call.request.ID)} not given` });
      else cb(null, { data: s.value });
    }) as Unary,
  });
  const sshById = new Map(ssh.map((s) => [s.id, s]));
  server.addService(services.ssh as never, {
    CheckAgent: ((call, cb) => {
      const found = sshById.has(String(call.request.ID || 'default'));
      cb(found ? null : { code: grpc.status.NOT_FOUND, details: `no SSH agent or key given for id ${String(call.request.ID)}` }, found ? {} : undefined);
    }) as Unary,
    ForwardAgent: (stream: ForwardStream) => forwardAgent(stream, sshById),
  });
  const methods = Object.values(services).flatMap((s) => Object.values(s).map((m) => m.path));

  const socket = await new Promise<Duplex>((resolve, reject) => {
    modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        abortSignal: signal,
        // As the docker CLI's session: who it is, and every method it serves (the engine checks before calling).
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'gomod-doctor',
          'X-Docker-Expose-Session-Sharedkey': '',
          'X-Docker-Expose-Session-Grpc-Method': methods,
        },
        statusCodes: { 101: true, 200: true, 400: 'bad request', 500: 'server error' },
      },
      (err, s) => (err ? reject(err) : resolve(s)),
    );
  });
  const injector = (server as unknown as { createConnectionInjector(c: unknown): { injectConnection(s: Duplex): void } }).createConnectionInjector(grpc.ServerCredentials.createInsecure());
  injector.injectConnection(socket);
  debug('session %s open (%d secrets, %d ssh ids)', id.slice(0, 8), secrets.length, ssh.length);
  return {
    id,
    close() {
      server.forceShutdown();
      socket.destroy();
    },
  };
}

interface ForwardStream {
  metadata: { get(key: string): Array<string | Buffer> };
  on(event: 'data', cb: (m: { data: Buffer }) => void): void;
  on(event: 'end' | 'error' | 'cancelled', cb: () => void): void;
  write(m: { data: Buffer }): boolean;
  end(): void;
}

/**
 * One agent connection from a RUN step: bytes both ways between the gRPC stream and the
 * agent socket, or an in-process agent over the key files given.
 */
function forwardAgent(stream: ForwardStream, sources: Map<string, SshSource>): void {
  const id = String(stream.metadata.get(SSH_ID_KEY)[0] ?? 'default');
  const src = sources.get(id);
  debug('ssh agent connection for id %s: %s', id, src ? (src.socket ? 'socket' : `${src.keys.length} keys`) : 'not given');
  if (!src) return void stream.end();
  const agent: Duplex | null = src.socket ? net.connect(src.socket) : src.keys.length ? keyAgent(src.keys) : null;
  if (!agent) return void stream.end();
  agent.on('data', (data: Buffer) => stream.write({ data }));
  agent.on('end', () => stream.end());
  agent.on('error', () => stream.end());
  stream.on('data', (m) => agent.write(m.data));
  stream.on('end', () => agent.end());
  stream.on('error', () => agent.destroy());
  stream.on('cancelled', () => agent.destroy());
}

/** An SSH agent holding the given private keys, as BuildKit's own for `--ssh id=KEYFILE` (ssh2's agent protocol). */
export function keyAgent(keys: readonly Buffer[]): Duplex {
  // ssh2 comes with docker-modem (ssh:// engines); required on first use, as there.
  const ssh2 = require('ssh2') as typeof import('ssh2');
  const parsed = keys.flatMap((k) => {
    const key = ssh2.utils.parseKey(k);
    return key instanceof Error ? [] : Array.isArray(key) ? key : [key];
  });
  const protocol = new ssh2.AgentProtocol(false) as unknown as Duplex & {
    on(event: 'identities', cb: (req: unknown) => void): void;
    on(event: 'sign', cb: (req: unknown, pub: { getPublicSSH(): Buffer }, data: Buffer, opts: { hash?: string }) => void): void;
    getIdentitiesReply(req: unknown, keys: unknown[]): void;
    signReply(req: unknown, sig: Buffer): void;
    failureReply(req: unknown): void;
  };
  protocol.on('identities', (req) => {
    debug('ssh identities request: %d keys', parsed.length);
    protocol.getIdentitiesReply(req, parsed);
  });
  protocol.on('sign', (req, pub, data, opts) => {
    const key = parsed.find((k) => k.getPublicSSH().equals(pub.getPublicSSH()));
    const sig = key?.sign(data, opts.hash);
    debug('ssh sign request: %s', !key ? 'no such key' : !sig || sig instanceof Error ? 'signing failed' : 'signed');
    if (!key || !sig || sig instanceof Error) protocol.failureReply(req);
    else protocol.signReply(req, sig);
  });
  return answeringExtensions(protocol);
}

const SSH_AGENTC_EXTENSION = 27;
const SSH_AGENT_FAILURE = Buffer.from([0, 0, 0, 1, 5]);

/**
 * OpenSSH's client (8.9+) first sends the agent an extension request (session-bind@openssh.com).
 * ssh2's agent does not skip the body of a request it does not know, and then misreads the
 * identities request after it: extensions are answered here, with the failure an agent
 * without them gives, and every other message is passed on whole.
 */
function answeringExtensions(protocol: Duplex): Duplex {
  let pending = Buffer.alloc(0);
  const agent: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readUInt32BE(0));
        pending = pending.subarray(frame.length);
        if (frame[4] === SSH_AGENTC_EXTENSION) agent.push(SSH_AGENT_FAILURE);
        else protocol.write(frame);
      }
      done();
    },
    final(done) {
      protocol.end();
      done();
    },
  });
  protocol.on('data', (d: Buffer) => agent.push(d));
  protocol.on('end', () => agent.push(null));
  protocol.on('error', (err) => agent.destroy(err));
  return agent;
}
