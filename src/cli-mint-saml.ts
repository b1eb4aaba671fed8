// Owns `iamlocal mint-saml`: asks a running iamlocal (POST /_iamlocal/saml-idps/NAME/responses, signed
// with the account's root key) for a SAML response its mock IdP signed, and prints it (base64, what
// `aws sts assume-role-with-saml --saml-assertion` takes) or writes it to a file. The server holds
// the IdP key and the clock, so this works with in-memory and Docker servers alike.
import { writeFile } from 'node:fs/promises';
import { cliFlags } from './cli-args';
import { defaults } from './config';
import { postAdmin, type MintTokenArgs } from './cli-mint-token';

export const MINT_SAML_USAGE = `Usage: iamlocal mint-saml --idp NAME --subject NAMEID --role ROLE_ARN[,PROVIDER_ARN] [options]

  --idp NAME              mock SAML IdP (seeded under samlIdps: or created via POST /_iamlocal/saml-idps)
  --subject NAMEID        the user's NameID (e.g. alice@example.com)
  --role ARN[,PROVIDER]   role the response grants; repeatable. The provider defaults to the IdP's own
                          IAM SAML provider
  --session-name NAME     RoleSessionName attribute (default: the subject)
  --source-identity ID    SourceIdentity attribute
  --tag KEY=VALUE         PrincipalTag:KEY attribute (a session tag); repeatable
  --transitive-tag KEY    TransitiveTagKeys value; repeatable
  --attribute NAME=VALUE  any other attribute (e.g. urn:oid:1.3.6.1.4.1.5923.1.1.1.1=staff); repeatable
  --subject-format URI    NameID Format (default urn:oasis:names:tc:SAML:2.0:nameid-format:persistent)
  --lifetime SECONDS      how long the response may be presented, 1–86400 (default 300)
  --sign WHAT             assertion (default), response or both
  --out FILE              write the response to FILE (mode 0600) instead of stdout
  --endpoint URL          iamlocal URL (default http://127.0.0.1:4599; env IAMLOCAL_ENDPOINT)

  Signs with the root key IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY (default test / test).`;

export class MintSamlUsageError extends Error {}

export interface MintSamlArgs {
  idp: string;
  request: Record<string, unknown>;
  out?: string;
  endpoint: string;
  credentials: MintTokenArgs['credentials'];
}

function keyValue(flag: string, v: string): [string, string] {
  const i = v.indexOf('=');
  if (i <= 0) throw new MintSamlUsageError(`${flag}: expected KEY=VALUE, got ${JSON.stringify(v)}`);
  return [v.slice(0, i), v.slice(i + 1)];
}

export function parseMintSamlArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): MintSamlArgs | 'help' {
  let idp: string | undefined;
  let out: string | undefined;
  let endpoint: string | undefined;
  const roles: (string | { roleArn: string; providerArn: string })[] = [];
  const principalTags: Record<string, string> = {};
  const attributes: Record<string, string[]> = {};
  const transitiveTagKeys: string[] = [];
  const req: Record<string, unknown> = {};
  for (const { arg, flag, value } of cliFlags(argv, (f) => new MintSamlUsageError(`${f} needs a value`))) {
    switch (flag) {
      case '--idp': idp = value(); break;
      case '--subject': req.subject = value(); break;
      case '--role': {
        const [roleArn, providerArn] = value().split(',').map((s) => s.trim());
        roles.push(providerArn ? { roleArn, providerArn } : roleArn);
        break;
      }
      case '--session-name': req.roleSessionName = value(); break;
      case '--source-identity': req.sourceIdentity = value(); break;
      case '--tag': { const [k, v] = keyValue(flag, value()); principalTags[k] = v; break; }
      case '--transitive-tag': transitiveTagKeys.push(value()); break;
      case '--attribute': { const [k, v] = keyValue(flag, value()); (attributes[k] ??= []).push(v); break; }
      case '--subject-format': req.subjectFormat = value(); break;
      case '--lifetime': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new MintSamlUsageError(`--lifetime: not a number of seconds: ${JSON.stringify(v)}`);
        req.lifetimeSeconds = Number(v);
        break;
      }
      case '--sign': req.sign = value(); break;
      case '--out': out = value(); break;
      case '--endpoint': endpoint = value(); break;
      case '--help': case '-h': return 'help';
      default: throw new MintSamlUsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (!idp) throw new MintSamlUsageError('--idp is required');
  if (!req.subject) throw new MintSamlUsageError('--subject is required');
  if (roles.length === 0) throw new MintSamlUsageError('--role is required');
  req.roles = roles;
  if (Object.keys(principalTags).length) req.principalTags = principalTags;
  if (Object.keys(attributes).length) req.attributes = attributes;
  if (transitiveTagKeys.length) req.transitiveTagKeys = transitiveTagKeys;
  const root = defaults.rootCredentials || { accessKeyId: 'test', secretAccessKey: 'test' };
  return {
    idp,
    request: req,
    out,
    endpoint: endpoint ?? env.IAMLOCAL_ENDPOINT ?? `http://127.0.0.1:${defaults.port}`,
    credentials: { accessKeyId: env.IAMLOCAL_ROOT_ACCESS_KEY_ID ?? root.accessKeyId, secretAccessKey: env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY ?? root.secretAccessKey },
  };
}

/** Mints through the server; returns the base64 SAML response. */
export async function mintSamlViaServer(a: MintSamlArgs): Promise<{ samlResponse: string; expiration: string }> {
  const url = new URL(`/_iamlocal/saml-idps/${encodeURIComponent(a.idp)}/responses`, a.endpoint);
  const r = await postAdmin<{ samlResponse?: string; expiration?: string }>(a.endpoint, url, a.request, a.credentials);
  if (!r.samlResponse) throw new Error('the server answered without a samlResponse');
  return { samlResponse: r.samlResponse, expiration: r.expiration ?? '' };
}

/** Runs the command; returns the process exit code. */
export async function runMintSaml(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: MintSamlArgs | 'help';
  try {
    args = parseMintSamlArgs(argv);
  } catch (e) {
    if (e instanceof MintSamlUsageError) {
      io.err.write(`iamlocal mint-saml: ${e.message}\n\n${MINT_SAML_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out.write(MINT_SAML_USAGE + '\n');
    return 0;
  }
  try {
    const { samlResponse, expiration } = await mintSamlViaServer(args);
    if (args.out) {
      await writeFile(args.out, samlResponse, { mode: 0o600 });
      io.err.write(`SAML response written to ${args.out} (valid until ${expiration})\n`);
    } else io.out.write(samlResponse + '\n');
    return 0;
  } catch (e) {
    io.err.write(`iamlocal mint-saml: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
