// What iamlocal's outbound HTTPS trusts under --extra-ca-certs (src/http/outbound-tls.ts): Node's own store
// without it; with it, Node's bundled CAs plus the file's certificates, read once, on first use. As Node
// does with NODE_EXTRA_CA_CERTS, what cannot be read or is not a certificate is warned about and left out.
import { rootCertificates } from 'node:tls';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearOutboundTls, outboundTlsOptions, type OutboundTlsDeps } from '../../src/http/outbound-tls';

const dir = mkdtempSync(join(tmpdir(), 'iamlocal-outbound-tls-'));
const NOT_A_CERT = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';

/** Real checks and contexts, with the file reads and the warnings recorded. */
function recording(files: Record<string, string>) {
  const reads: string[] = [];
  const warnings: string[] = [];
  const trusted: string[][] = [];
  const deps: OutboundTlsDeps = {
    readFile: (p) => {
      reads.push(p);
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    },
    createAgent: async (ca) => {
      trusted.push(ca);
      const [tls, https] = await Promise.all([import('node:tls'), import('node:https')]);
      return new https.Agent({ secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, ...ca] }) });
    },
    checkCertificate: async (pem) => {
      const { X509Certificate } = await import('node:crypto');
      new X509Certificate(pem);
    },
    warn: (m) => void warnings.push(m),
  };
  return { deps, reads, warnings, trusted };
}

beforeEach(() => clearOutboundTls());

describe('outbound TLS trust', () => {
  it('without a file: Node’s own store, nothing read', async () => {
    const r = recording({});
    expect(await outboundTlsOptions(null, r.deps.warn, r.deps)).toEqual({});
    expect(await outboundTlsOptions('', r.deps.warn, r.deps)).toEqual({});
    expect(r.reads).toEqual([]);
  });

  it('a file of certificates: trusted beside the bundled CAs, read once however many fetches', async () => {
    const r = recording({ '/ca.pem': `${rootCertificates[0]}\n${rootCertificates[1]}\n` });
    const a = await outboundTlsOptions('/ca.pem', r.deps.warn, r.deps);
    const b = await outboundTlsOptions('/ca.pem', r.deps.warn, r.deps);
    expect(a.agent).toBeDefined();
    expect(b).toBe(a);
    expect(r.reads).toEqual(['/ca.pem']);
    expect(r.trusted).toEqual([[rootCertificates[0].trim(), rootCertificates[1].trim()]]);
    expect(r.warnings).toEqual([]);
  });

  it('a block that is not a certificate is left out, with a warning', async () => {
    const r = recording({ '/mixed.pem': `${rootCertificates[0]}\n${NOT_A_CERT}\n` });
    await outboundTlsOptions('/mixed.pem', r.deps.warn, r.deps);
    expect(r.trusted).toEqual([[rootCertificates[0].trim()]]);
    expect(r.warnings).toEqual(['extra CA certificates from /mixed.pem: 1 of 2 PEM blocks are not certificates and were left out']);
  });

  it.each([
    ['/missing.pem', {}, "ENOENT: no such file or directory, open '/missing.pem'"],
    ['/empty.pem', { '/empty.pem': 'no PEM here\n' }, 'it holds no PEM certificate'],
    ['/bad.pem', { '/bad.pem': `${NOT_A_CERT}\n${NOT_A_CERT}\n` }, 'none of its 2 PEM blocks is a certificate'],
  ])('%s: bundled CAs only, and a warning saying why', async (file, files, reason) => {
    const r = recording(files as Record<string, string>);
    const o = await outboundTlsOptions(file, r.deps.warn, r.deps);
    expect(o.agent).toBeDefined();
    expect(r.trusted).toEqual([[]]);
    expect(r.warnings).toEqual([`extra CA certificates from ${file} not loaded: ${reason}; outbound HTTPS trusts Node's bundled CAs without them`]);
  });

  it('the default reader and checks: a real file', async () => {
    const file = join(dir, 'two.pem');
    writeFileSync(file, `${rootCertificates[2]}\n${NOT_A_CERT}\n`);
    const warnings: string[] = [];
    const o = await outboundTlsOptions(file, (m) => void warnings.push(m));
    expect(o.agent).toBeDefined();
    expect(warnings).toEqual([`extra CA certificates from ${file}: 1 of 2 PEM blocks are not certificates and were left out`]);
  });
});
