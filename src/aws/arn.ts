// Owns ARN construction and parsing for the IAM/STS entities iamlocal serves.
// Forms: aws-protocol.md §5.5, §6.2; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns

export const PARTITION = 'aws';

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits `arn:partition:service:region:account:resource` (resource may contain colons). */
export function parseArn(arn: string): ParsedArn | null {
  // By position, not split/join: every request parses a few ARNs, and split goes through V8's runtime.
  if (!arn.startsWith('arn:')) return null;
  const c2 = arn.indexOf(':', 4);
  const c3 = c2 < 0 ? -1 : arn.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : arn.indexOf(':', c3 + 1);
  const c5 = c4 < 0 ? -1 : arn.indexOf(':', c4 + 1);
  if (c5 < 0) return null;
  return { partition: arn.slice(4, c2), service: arn.slice(c2 + 1, c3), region: arn.slice(c3 + 1, c4), account: arn.slice(c4 + 1, c5), resource: arn.slice(c5 + 1) };
}

/**
 * An ARN STS accepts as a RoleArn: six colon-separated parts with a non-empty partition, service
 * and resource (region and account may be empty, as in `arn:aws:iam::…`). AWS answers anything else
 * with ValidationError `{arn} is invalid` before authorizing (recorded responses; aws-protocol §5.2).
 */
export function parseWellFormedArn(arn: string): ParsedArn | null {
  const p = parseArn(arn);
  return p && p.partition !== '' && p.service !== '' && p.resource !== '' ? p : null;
}

export const arns = {
  root: (account: string) => `arn:${PARTITION}:iam::${account}:root`,
  user: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:user${path}${name}`,
  group: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:group${path}${name}`,
  role: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:role${path}${name}`,
  policy: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:policy${path}${name}`,
  awsManagedPolicy: (path: string, name: string) => `arn:${PARTITION}:iam::aws:policy${path}${name}`,
  instanceProfile: (account: string, path: string, name: string) =>
    `arn:${PARTITION}:iam::${account}:instance-profile${path}${name}`,
  mfa: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:mfa${path}${name}`,
  oidcProvider: (account: string, urlWithoutScheme: string) =>
    `arn:${PARTITION}:iam::${account}:oidc-provider/${urlWithoutScheme}`,
  serverCertificate: (account: string, path: string, name: string) => `arn:${PARTITION}:iam::${account}:server-certificate${path}${name}`,
  samlProvider: (account: string, name: string) => `arn:${PARTITION}:iam::${account}:saml-provider/${name}`,
  /** The role path is dropped in assumed-role ARNs (aws-protocol §5.5). */
  assumedRole: (account: string, roleName: string, sessionName: string) =>
    `arn:${PARTITION}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
  federatedUser: (account: string, name: string) => `arn:${PARTITION}:sts::${account}:federated-user/${name}`,
  /** EKS resource types (Service Authorization Reference for Amazon EKS). */
  eksCluster: (region: string, account: string, name: string) => `arn:${PARTITION}:eks:${region}:${account}:cluster/${name}`,
  eksPodIdentityAssociation: (region: string, account: string, cluster: string, id: string) =>
    `arn:${PARTITION}:eks:${region}:${account}:podidentityassociation/${cluster}/${id}`,
};

export interface RoleArnParts {
  account: string;
  path: string;
  name: string;
}

/** `arn:aws:iam::ACCT:role/path/name` → parts; null when it is not a role ARN. */
export function parseRoleArn(arn: string): RoleArnParts | null {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || p.region !== '' || !/^\d{12}$/.test(p.account)) return null;
  if (!p.resource.startsWith('role/')) return null;
  const rest = p.resource.slice('role'.length); // "/path/name"
  const i = rest.lastIndexOf('/');
  const name = rest.slice(i + 1);
  if (!name) return null;
  return { account: p.account, path: rest.slice(0, i + 1), name };
}
