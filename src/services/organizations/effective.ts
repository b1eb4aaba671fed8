// Owns management-policy content (tag, backup, AI opt-out, chatbot, declarative, … policies): its
// syntax check and the inheritance that turns the policies attached along root → OUs → account into
// the account's effective policy. Pure: no store, no clock.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
// Value-setting operators: @@assign (replace the inherited value), @@append (add to an inherited
// list), @@remove (take values out of an inherited list). Child-control operator:
// @@operators_allowed_for_child_policies (["@@all"], ["@@none"] or a subset of the three) set on a
// key by a parent policy limits what policies lower in the tree may do to that key and below it.
// A key that is not an operator is a container; a plain value is read as {"@@assign": value}.
// The effective policy is the merged tree without operators.

export const VALUE_OPERATORS = ['@@assign', '@@append', '@@remove'] as const;
export type ValueOperator = (typeof VALUE_OPERATORS)[number];
const CHILD_CONTROL = '@@operators_allowed_for_child_policies';

/** Why a management policy's content is refused (MalformedPolicyDocumentException). */
export class ManagementPolicySyntaxError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a management policy: a JSON object whose @@-keys are known operators with well-formed values. */
export function validateManagementPolicy(content: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw new ManagementPolicySyntaxError('not JSON');
  }
  if (!isObject(doc)) throw new ManagementPolicySyntaxError('not a JSON object');
  const walk = (node: Record<string, Json>, path: string): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === CHILD_CONTROL) {
        const ok = Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && ['@@all', '@@none', ...VALUE_OPERATORS].includes(x));
        if (!ok) throw new ManagementPolicySyntaxError(`${path}/${k}: expected a list of @@all, @@none, @@assign, @@append, @@remove`);
        continue;
      }
      if (k.startsWith('@@')) {
        if (!(VALUE_OPERATORS as readonly string[]).includes(k)) throw new ManagementPolicySyntaxError(`${path}: unknown operator ${k}`);
        if (isObject(v)) throw new ManagementPolicySyntaxError(`${path}/${k}: an operator takes a value or a list, not an object`);
        if (k !== '@@assign' && !Array.isArray(v)) throw new ManagementPolicySyntaxError(`${path}/${k}: expected a list`);
        continue;
      }
      if (k === '') throw new ManagementPolicySyntaxError(`${path}: empty key`);
      if (isObject(v)) walk(v, `${path}/${k}`);
    }
  };
  walk(doc, '');
}

/** One policy as the merge sees it. */
export interface PolicyInput {
  id: string;
  content: string;
}

export interface ValidationErrorEntry {
  ErrorCode: string;
  ErrorMessage: string;
  PathToError: string;
  ContributingPolicies: string[];
}

export interface EffectiveResult {
  /** The merged policy without operators; null when no policy contributed anything. */
  policy: Record<string, Json> | null;
  /** Settings a policy made although a parent policy's @@operators_allowed_for_child_policies forbids them (ignored). */
  errors: ValidationErrorEntry[];
}

interface Node {
  value?: Json;
  children: Map<string, Node>;
  /** Operators policies further down may use here and below, and the policy that said so. */
  allowed?: { ops: Set<string>; by: string };
}

const newNode = (): Node => ({ children: new Map() });

function allowedBy(chain: Node[]): { ops: Set<string>; by: string } | undefined {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i].allowed) return chain[i].allowed;
  return undefined;
}

/**
 * Merges the policies attached along the path from the root (levels[0]) to the account (last level).
 * Policies on one level are applied in the order given; a child-control setting takes effect for the
 * levels below the one that set it (and for later policies on the same level ⚠: AWS does not document
 * the order of policies attached to the same node).
 */
export function mergeEffectivePolicy(levels: PolicyInput[][]): EffectiveResult {
  const root = newNode();
  const errors: ValidationErrorEntry[] = [];
  let contributed = false;

  const apply = (policyId: string, doc: Record<string, Json>, node: Node, chain: Node[], path: string[], pendingControls: [Node, Set<string>][]): void => {
    for (const [k, v] of Object.entries(doc)) {
      if (k === CHILD_CONTROL) {
        const ops = new Set((v as string[]).includes('@@all') ? VALUE_OPERATORS : (v as string[]).filter((x) => x !== '@@none'));
        pendingControls.push([node, ops]);
        continue;
      }
      if (k.startsWith('@@')) {
        setValue(policyId, node, chain, path, k as ValueOperator, v);
        continue;
      }
      const child = node.children.get(k) ?? newNode();
      node.children.set(k, child);
      if (isObject(v)) apply(policyId, v, child, [...chain, child], [...path, k], pendingControls);
      else setValue(policyId, child, [...chain, child], [...path, k], '@@assign', v);
    }
  };

  const setValue = (policyId: string, node: Node, chain: Node[], path: string[], op: ValueOperator, v: Json): void => {
    const control = allowedBy(chain);
    if (control && !control.ops.has(op)) {
      errors.push({
        ErrorCode: 'OPERATOR_NOT_ALLOWED', // ⚠ AWS's code for this is not documented
        ErrorMessage: `The operator ${op} is not allowed at ${path.join('/')}: a parent policy allows only ${control.ops.size ? [...control.ops].join(', ') : '@@none'}.`,
        PathToError: path.join('/'),
        ContributingPolicies: [...new Set([control.by, policyId])],
      });
      return;
    }
    contributed = true;
    const list = (x: Json | undefined): Json[] => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]);
    if (op === '@@assign') node.value = Array.isArray(v) ? [...v] : v;
    else if (op === '@@append') node.value = [...list(node.value), ...list(v).filter((x) => !list(node.value).includes(x))];
    else node.value = list(node.value).filter((x) => !list(v).includes(x));
  };

  for (const level of levels) {
    const controls: [Node, Set<string>][] = [];
    for (const p of level) {
      const doc = JSON.parse(p.content) as Record<string, Json>;
      apply(p.id, doc, root, [root], [], controls);
      for (const [node, ops] of controls.splice(0)) node.allowed = { ops, by: p.id };
    }
  }

  const render = (n: Node): Json | undefined => {
    if (n.children.size === 0) return n.value;
    const out: Record<string, Json> = {};
    for (const [k, c] of n.children) {
      const r = render(c);
      if (r !== undefined) out[k] = r;
    }
    return Object.keys(out).length ? out : undefined;
  };
  const rendered = render(root);
  return { policy: contributed && isObject(rendered) ? rendered : null, errors };
}
