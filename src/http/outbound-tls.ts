// Owns what iamlocal's own outbound HTTPS trusts (today: OIDC discovery of an issuer's keys,
// src/services/sts/oidc-discovery.ts). By default that is Node's store (its bundled CAs, plus
// NODE_EXTRA_CA_CERTS when node was started with it). With `--extra-ca-certs FILE`
// (IAMLOCAL_EXTRA_CA_CERTS) it is Node's bundled CAs plus the certificates of FILE, read and parsed on the
// first outbound connection instead of at every process start.
//
// Why: Node 20 parses the NODE_EXTRA_CA_CERTS bundle, and builds its root store to add it to, before any
// JavaScript runs (https://nodejs.org/docs/latest-v20.x/api/cli.html#node_extra_ca_certsfile; OpenSSL 3's
// decoders make that slow: nodejs/node#40524). With Debian's 144-certificate bundle that was 40-45 % of the
// instructions of a server's start to its first answer (bench/README.md, "Issue 18, twelfth pass"), for a
// server that never opens an outbound TLS connection unless a provider opts in to network fetching.
// `npm start` therefore hands NODE_EXTRA_CA_CERTS to iamlocal as IAMLOCAL_EXTRA_CA_CERTS (package.json).
// Node 22.23 and 24.22 load it lazily (`node -e 0` took 20 ms with and without it); there the handover
// changes nothing but who reads the file.
//
// As Node does with NODE_EXTRA_CA_CERTS, a file that cannot be read, or a block in it that is not a
// certificate, is warned about once and left out: the connection then trusts less, never more.
// The requests go through an https.Agent of their own: the global agent's kept-alive sockets and TLS
// sessions are not keyed by a secure context, so sharing it could hand a request a connection verified
// under another trust.
import { readFileSync } from 'node:fs';
import type { Agent } from 'node:https';

export interface OutboundTlsDeps {
  readFile: (path: string) => string;
  /** An https.Agent whose connections trust Node's bundled CAs and these PEM certificates. */
  createAgent: (ca: string[]) => Promise<Agent>;
  /** Validates one PEM certificate block (throws when it is not one). */
  checkCertificate: (pem: string) => Promise<void>;
  warn: (msg: string, fields?: Record<string, unknown>) => void;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The options an outbound request is sent with: none (Node's store, the global agent) or an agent of its own. */
export type OutboundTlsOptions = { agent?: Agent };

const built = new Map<string, Promise<OutboundTlsOptions>>();

const defaultDeps = (warn: OutboundTlsDeps['warn']): OutboundTlsDeps => ({
  readFile: (p) => readFileSync(p, 'utf8'),
  async createAgent(ca) {
    const [tls, https] = await Promise.all([import('node:tls'), import('node:https')]);
    // Node's bundled (Mozilla) CAs, the same set on every Node line: tls.rootCertificates on Node 20; on Node
    // 22.15+ getCACertificates('bundled'), which unlike 'default' leaves NODE_EXTRA_CA_CERTS out.
    const base = (tls as { getCACertificates?: (type: 'bundled') => string[] }).getCACertificates?.('bundled') ?? tls.rootCertificates;
    return new https.Agent({ keepAlive: true, secureContext: tls.createSecureContext({ ca: [...base, ...ca] }) });
  },
  async checkCertificate(pem) {
    const { X509Certificate } = await import('node:crypto');
    new X509Certificate(pem);
  },
  warn,
});

/**
 * The options for iamlocal's outbound HTTPS under `extraCaCerts`, built once per file and kept: the first
 * call reads the file, checks each certificate and makes the agent.
 */
export function outboundTlsOptions(extraCaCerts: string | null, warn: OutboundTlsDeps['warn'], deps: OutboundTlsDeps = defaultDeps(warn)): Promise<OutboundTlsOptions> {
  if (!extraCaCerts) return Promise.resolve({});
  let p = built.get(extraCaCerts);
  if (!p) {
    p = buildOptions(extraCaCerts, deps);
    built.set(extraCaCerts, p);
  }
  return p;
}

async function buildOptions(file: string, deps: OutboundTlsDeps): Promise<OutboundTlsOptions> {
  const notLoaded = (reason: string) =>
    deps.warn(`extra CA certificates from ${file} not loaded: ${reason}; outbound HTTPS trusts Node's bundled CAs without them`, { extraCaCerts: file });
  let text: string;
  try {
    text = deps.readFile(file);
  } catch (e) {
    notLoaded((e as Error).message);
    return { agent: await deps.createAgent([]) };
  }
  const good: string[] = [];
  let bad = 0;
  for (const block of text.match(PEM_BLOCK) ?? []) {
    try {
      await deps.checkCertificate(block);
      good.push(block);
    } catch {
      bad++;
    }
  }
  if (good.length === 0) notLoaded(bad ? `none of its ${bad} PEM blocks is a certificate` : 'it holds no PEM certificate');
  else if (bad) deps.warn(`extra CA certificates from ${file}: ${bad} of ${good.length + bad} PEM blocks are not certificates and were left out`, { extraCaCerts: file });
  return { agent: await deps.createAgent(good) };
}

/** Forgets the contexts built (tests). */
export function clearOutboundTls(): void {
  built.clear();
}
