// Owns the wire-fidelity check against AWS's own service models (botocore's service-2.json for IAM, STS
// and Organizations): every operation of our three operation tables (a) exists in the model, (b)
// rejects each model-required input member it is missing with AWS's error (ValidationError
// "Member must not be null" for the Query services, InvalidInputException INPUT_REQUIRED for
// Organizations), and (c) answers a happy-path call, driven through the in-process pipeline, with a
// body whose every element is a member of the model's output shape with the model's type (string,
// timestamp, boolean, integer, list as <member>, map as <entry>, structure), recursively, carrying
// every member the model marks required, Marker exactly when IsTruncated, and AWS's success headers.
// Also: (b') every input member's model constraints (length, range, enum, pattern text, list size, the
// members and required members of list items) answer AWS's error naming that member; (c') the scenario
// replayed on a fresh and on a cleaned-up server gives only errors the operation models (with the
// model's HTTP status) or the common ones; (d) lists the model operations we do not answer and checks
// they get InvalidAction.
// Usage: npx tsx scripts/check-models.ts [--dump]   (--dump prints every response; test/http/model-conformance.test.ts runs the same checks)

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { arns } from '../src/aws/arn';
import { defaults, ROOT_CREDENTIALS, silentLogger } from '../src/config';
import { decodeForm, expandParams } from '../src/http/query-decode';
import { fixedClock, seededIds } from '../src/runtime';
import { iamOperations } from '../src/services/iam/index';
import { totpCodeAt, totpStep } from '../src/services/iam/mfa-totp';
import { organizationsOperations } from '../src/services/organizations/index';
import { AUTHORIZATION_MESSAGE_HEADER } from '../src/authz/authorization-message';
import { stsOperations } from '../src/services/sts/index';
import type { Call, OperationTable, Params, ServiceName as AnyServiceName } from '../src/services/types';

/** The awsQuery / JSON 1.1 services this checker knows; EC2's own Query flavour (test/e2e/ec2-api.test.ts) and the
 * restJson1 services EKS / EKS Auth (test/e2e/pod-identity.test.ts) and Access Analyzer (its own e2e tests) are not checked here. */
type ServiceName = Exclude<AnyServiceName, 'ec2' | 'eks' | 'eks-auth' | 'access-analyzer'>;
import { pathRules } from '../src/services/validate';
import { bootstrapDefaults } from '../src/store/bootstrap';
import { Store } from '../src/store/store';
import { pipeline, type Pipeline, type PipelineResponse } from '../test/helpers/pipeline';
import type { Creds } from '../test/helpers/raw-client';
import { buildToken, ISSUER, PROVIDER_URL, publicJwkOf, T0 as TOKEN_T0 } from '../test/oidc/helpers';
import { jwks } from '../src/oidc/index';
import { idpMetadataXml } from '../src/saml/index';
import { ENTITY_ID as SAML_ENTITY_ID, idpKey, mint as mintSaml, T0 as SAML_T0 } from '../test/saml/helpers';

// ------------------------------------------------------------------ the models

export interface Shape {
  type: string;
  members?: Record<string, { shape: string; locationName?: string }>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string; locationName?: string };
  value?: { shape: string; locationName?: string };
  flattened?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}
export interface Model {
  metadata: { protocol: string; xmlNamespace?: string; apiVersion: string };
  operations: Record<string, { name: string; input?: { shape: string }; output?: { shape: string; resultWrapper?: string } }>;
  shapes: Record<string, Shape>;
}
export type Models = Record<ServiceName, Model>;

const MODEL_PATHS: Record<ServiceName, string> = {
  iam: 'iam/2010-05-08/service-2.json',
  sts: 'sts/2011-06-15/service-2.json',
  organizations: 'organizations/2016-11-28/service-2.json',
};

export const TABLES: Record<ServiceName, OperationTable> = { iam: iamOperations, sts: stsOperations, organizations: organizationsOperations };

/** botocore's data directory, or null when python3 or botocore is not installed. */
export function botocoreDataDir(): string | null {
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dir ? join(dir, 'data') : null;
  } catch {
    return null;
  }
}

function readModel(path: string): Model {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Model;
  return JSON.parse(gunzipSync(readFileSync(`${path}.gz`)).toString('utf8')) as Model;
}

/** The three models (plain or gzipped service-2.json), or null when botocore is unavailable. */
export function loadModels(dataDir = botocoreDataDir()): Models | null {
  if (!dataDir) return null;
  try {
    return {
      iam: readModel(join(dataDir, MODEL_PATHS.iam)),
      sts: readModel(join(dataDir, MODEL_PATHS.sts)),
      organizations: readModel(join(dataDir, MODEL_PATHS.organizations)),
    };
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ findings

export type FindingKind = 'missing-operation' | 'required-input' | 'input-constraint' | 'error' | 'call-failed' | 'envelope' | 'output' | 'not-exercised';

export interface Finding {
  service: ServiceName;
  operation: string;
  kind: FindingKind;
  message: string;
}

/**
 * Where AWS itself puts a value on the wire that the model's enum does not list. Each entry cites
 * its evidence; nothing else is tolerated.
 */
const KNOWN_ENUM_DEVIATIONS: Record<string, string[]> = {
  // The model's enum is `PermissionsBoundaryPolicy`; live IAM answers `Policy` (aws-protocol §6.2 [aws]:
  // LocalStack snapshots recorded against AWS, AWS CLI get-role docs).
  'iam:PermissionsBoundaryAttachmentType': ['Policy'],
  // Request-supplied policies (PolicyInputList.N) come back labelled `IAM Policy` in recorded
  // Simulate*Policy responses, outside the model's enum (src/services/iam/simulate-run.ts).
  'iam:PolicySourceType': ['IAM Policy'],
};

const lcFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

// ------------------------------------------------------------------ a tiny XML reader (our own output only)

export interface XNode {
  name: string;
  attrs: string;
  children: XNode[];
  text: string;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e as 'amp']!;
  });
}

export function parseXml(xml: string): XNode {
  const root: XNode = { name: '#document', attrs: '', children: [], text: '' };
  const stack: XNode[] = [root];
  const re = /<\?[^>]*\?>|<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += decodeEntities(m[5]);
      continue;
    }
    if (!m[2]) continue;
    if (m[1]) {
      if (top.name !== m[2]) throw new Error(`XML: </${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const node: XNode = { name: m[2], attrs: m[3], children: [], text: '' };
    top.children.push(node);
    if (!m[4]) stack.push(node);
  }
  if (stack.length !== 1) throw new Error('XML: unclosed elements');
  return root.children[0];
}

/** Text of the first descendant element named `name`. */
export function xmlText(node: XNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  for (const c of node.children) {
    if (c.name === name) return c.text;
    const t = xmlText(c, name);
    if (t !== undefined) return t;
  }
  return undefined;
}

// ------------------------------------------------------------------ shape validation

const TIMESTAMP_XML = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

class ShapeChecker {
  constructor(
    private readonly service: ServiceName,
    private readonly operation: string,
    private readonly model: Model,
    private readonly findings: Finding[],
  ) {}

  private flag(path: string, message: string): void {
    this.findings.push({ service: this.service, operation: this.operation, kind: 'output', message: `${path}: ${message}` });
  }

  private checkEnum(shapeName: string, shape: Shape, value: string, path: string): void {
    if (!shape.enum || shape.enum.includes(value)) return;
    if (KNOWN_ENUM_DEVIATIONS[`${this.service}:${shapeName}`]?.includes(value)) return;
    this.flag(path, `value ${JSON.stringify(value)} is not in the model's enum ${shapeName} [${shape.enum.join(', ')}]`);
  }

  /** One awsQuery XML element against a model shape. */
  xml(node: XNode, shapeName: string, path: string): void {
    const shape = this.model.shapes[shapeName];
    if (!shape) return this.flag(path, `model has no shape ${shapeName}`);
    const scalar = () => {
      if (node.children.length > 0) this.flag(path, `${shape.type} ${shapeName} has child elements <${node.children.map((c) => c.name).join('>, <')}>`);
      return node.text;
    };
    switch (shape.type) {
      case 'structure': {
        if (node.text.trim()) this.flag(path, `structure ${shapeName} has text ${JSON.stringify(node.text.trim())}`);
        const byXml = new Map<string, { member: string; shape: string }>();
        for (const [member, ref] of Object.entries(shape.members ?? {})) byXml.set(ref.locationName ?? member, { member, shape: ref.shape });
        const seen = new Set<string>();
        for (const child of node.children) {
          const ref = byXml.get(child.name);
          if (!ref) {
            this.flag(`${path}.${child.name}`, `not a member of ${shapeName} (members: ${[...byXml.keys()].join(', ')})`);
            continue;
          }
          if (seen.has(child.name)) this.flag(`${path}.${child.name}`, 'element repeated (lists are never flattened in IAM/STS)');
          seen.add(child.name);
          this.xml(child, ref.shape, `${path}.${child.name}`);
        }
        for (const req of shape.required ?? []) {
          const xmlName = shape.members?.[req]?.locationName ?? req;
          if (!seen.has(xmlName)) this.flag(`${path}.${xmlName}`, `required member of ${shapeName} is missing`);
        }
        // Pagination (aws-protocol §6.5): Marker exactly when IsTruncated is true — SDK v3 paginators loop while Marker is present.
        if (shape.members?.IsTruncated && shape.members?.Marker) {
          const truncated = node.children.find((c) => c.name === 'IsTruncated')?.text === 'true';
          if (truncated !== seen.has('Marker')) this.flag(`${path}.Marker`, truncated ? 'IsTruncated is true but no Marker' : 'Marker sent although IsTruncated is not true');
        }
        return;
      }
      case 'list': {
        if (node.text.trim()) this.flag(path, `list ${shapeName} has text ${JSON.stringify(node.text.trim())}`);
        if (shape.flattened) this.flag(path, `model list ${shapeName} is flattened (unexpected in IAM/STS)`);
        const memberName = shape.member?.locationName ?? 'member';
        node.children.forEach((child, i) => {
          if (child.name !== memberName) this.flag(`${path}.${child.name}`, `list item must be <${memberName}> (SDK v3 reads only <${memberName}>)`);
          else this.xml(child, shape.member!.shape, `${path}[${i}]`);
        });
        return;
      }
      case 'map': {
        const k = shape.key?.locationName ?? 'key';
        const v = shape.value?.locationName ?? 'value';
        node.children.forEach((entry, i) => {
          if (entry.name !== 'entry') return this.flag(`${path}.${entry.name}`, 'map items must be <entry>');
          const key = entry.children.find((c) => c.name === k);
          const value = entry.children.find((c) => c.name === v);
          if (!key) this.flag(`${path}[${i}]`, `map entry without <${k}>`);
          else this.xml(key, shape.key!.shape, `${path}[${i}].${k}`);
          if (value) this.xml(value, shape.value!.shape, `${path}[${i}].${v}`);
          for (const c of entry.children) if (c.name !== k && c.name !== v) this.flag(`${path}[${i}].${c.name}`, 'unexpected element in map entry');
        });
        return;
      }
      case 'string': {
        const t = scalar();
        this.checkEnum(shapeName, shape, t, path);
        return;
      }
      case 'timestamp': {
        const t = scalar();
        if (!TIMESTAMP_XML.test(t)) this.flag(path, `timestamp ${JSON.stringify(t)} is not YYYY-MM-DDTHH:MM:SSZ`);
        return;
      }
      case 'boolean': {
        const t = scalar();
        if (t !== 'true' && t !== 'false') this.flag(path, `boolean ${JSON.stringify(t)} is not true/false`);
        return;
      }
      case 'integer':
      case 'long': {
        const t = scalar();
        if (!/^-?\d+$/.test(t)) this.flag(path, `${shape.type} ${JSON.stringify(t)} is not a decimal integer`);
        return;
      }
      case 'double':
      case 'float': {
        const t = scalar();
        if (t === '' || !Number.isFinite(Number(t))) this.flag(path, `${shape.type} ${JSON.stringify(t)} is not a number`);
        return;
      }
      case 'blob': {
        const t = scalar();
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) this.flag(path, `blob is not base64`);
        return;
      }
      default:
        this.flag(path, `unhandled model type ${shape.type}`);
    }
  }

  /** One AWS JSON 1.1 value against a model shape (timestamps are epoch seconds). */
  json(value: unknown, shapeName: string, path: string): void {
    const shape = this.model.shapes[shapeName];
    if (!shape) return this.flag(path, `model has no shape ${shapeName}`);
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    switch (shape.type) {
      case 'structure': {
        if (kind !== 'object') return this.flag(path, `structure ${shapeName} is ${kind}`);
        const obj = value as Record<string, unknown>;
        for (const [k, v] of Object.entries(obj)) {
          const ref = shape.members?.[k];
          if (!ref) this.flag(`${path}.${k}`, `not a member of ${shapeName} (members: ${Object.keys(shape.members ?? {}).join(', ')})`);
          else this.json(v, ref.shape, `${path}.${k}`);
        }
        for (const req of shape.required ?? []) if (!(req in obj)) this.flag(`${path}.${req}`, `required member of ${shapeName} is missing`);
        return;
      }
      case 'list':
        if (kind !== 'array') return this.flag(path, `list ${shapeName} is ${kind}`);
        (value as unknown[]).forEach((v, i) => this.json(v, shape.member!.shape, `${path}[${i}]`));
        return;
      case 'map':
        if (kind !== 'object') return this.flag(path, `map ${shapeName} is ${kind}`);
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) this.json(v, shape.value!.shape, `${path}.${k}`);
        return;
      case 'string':
        if (kind !== 'string') return this.flag(path, `string ${shapeName} is ${kind}`);
        this.checkEnum(shapeName, shape, value as string, path);
        return;
      case 'timestamp':
        if (kind !== 'number') this.flag(path, `timestamp ${shapeName} is ${kind} (JSON 1.1 sends epoch seconds)`);
        return;
      case 'boolean':
        if (kind !== 'boolean') this.flag(path, `boolean ${shapeName} is ${kind}`);
        return;
      case 'integer':
      case 'long':
        if (kind !== 'number' || !Number.isInteger(value)) this.flag(path, `${shape.type} ${shapeName} is ${JSON.stringify(value)}`);
        return;
      case 'double':
      case 'float':
        if (kind !== 'number') this.flag(path, `${shape.type} ${shapeName} is ${kind}`);
        return;
      default:
        this.flag(path, `unhandled model type ${shape.type}`);
    }
  }
}

/** Checks one successful response body against the model's output of `operation`. */
export function checkResponse(models: Models, service: ServiceName, operation: string, body: string, findings: Finding[]): void {
  const model = models[service];
  const op = model.operations[operation];
  const envelope = (message: string): void => void findings.push({ service, operation, kind: 'envelope', message });
  if (!op) return;
  const checker = new ShapeChecker(service, operation, model, findings);
  if (model.metadata.protocol === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return envelope(`body is not JSON: ${body.slice(0, 80)}`);
    }
    if (op.output) checker.json(value, op.output.shape, operation);
    else if (JSON.stringify(value) !== '{}') envelope(`operation has no output shape but answered ${body.slice(0, 80)}`);
    return;
  }
  let root: XNode;
  try {
    root = parseXml(body);
  } catch (e) {
    return envelope(`body is not well-formed XML: ${(e as Error).message}`);
  }
  if (root.name !== `${operation}Response`) envelope(`root element <${root.name}>, expected <${operation}Response>`);
  if (!root.attrs.includes(`xmlns="${model.metadata.xmlNamespace}"`)) envelope(`root element lacks xmlns="${model.metadata.xmlNamespace}"`);
  const wrapper = op.output?.resultWrapper ?? `${operation}Result`;
  const result = root.children.find((c) => c.name === wrapper);
  const meta = root.children.find((c) => c.name === 'ResponseMetadata');
  if (!meta || !xmlText(meta, 'RequestId')) envelope('no ResponseMetadata/RequestId');
  for (const c of root.children) if (c.name !== wrapper && c.name !== 'ResponseMetadata') envelope(`unexpected element <${c.name}> in the envelope`);
  if (op.output) {
    // botocore raises KeyError without the Result wrapper (aws-protocol §3.1).
    if (!result) return envelope(`no <${wrapper}> although the model has output ${op.output.shape}`);
    checker.xml(result, op.output.shape, wrapper);
  } else if (result) {
    envelope(`<${wrapper}> sent for an operation the model gives no output shape (AWS sends ResponseMetadata only)`);
  }
}

// ------------------------------------------------------------------ (b) required input members

function dummyCall(service: ServiceName): Call {
  const store = new Store();
  const clock = fixedClock('2026-11-29T12:00:00Z');
  bootstrapDefaults(store, defaults, clock.now());
  const account = '000000000000';
  return {
    requestId: '00000000-0000-4000-8000-000000000000',
    now: clock.now(),
    service,
    region: 'us-east-1',
    principal: { kind: 'root', accountId: account, arn: arns.root(account), userId: account, accessKeyId: ROOT_CREDENTIALS.accessKeyId, session: null },
    sourceIp: '127.0.0.1',
    userAgent: null,
    secureTransport: false,
    store,
    clock,
    ids: seededIds(3),
    config: defaults,
    logger: silentLogger,
  } as Call;
}

/** Query params (flat form keys) without `member` and everything under it, expanded as the pipeline does. */
function withoutQueryMember(flat: Record<string, string>, member: string): Params {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) if (k !== member && !k.startsWith(`${member}.`)) kept[k] = v;
  return expandParams(decodeForm(new URLSearchParams(kept).toString()));
}

export function checkRequiredInputs(models: Models, happy: HappyParams, findings: Finding[]): number {
  let checked = 0;
  for (const service of Object.keys(TABLES) as ServiceName[]) {
    const model = models[service];
    for (const [name, op] of TABLES[service]) {
      const mop = model.operations[name];
      if (!mop?.input) continue;
      const input = model.shapes[mop.input.shape];
      for (const member of input.required ?? []) {
        checked++;
        const base = happy[service].get(name);
        let params: Params;
        if (service === 'organizations') {
          params = { ...((base as Record<string, unknown> | undefined) ?? {}) };
          delete params[member];
        } else {
          params = withoutQueryMember((base as Record<string, string> | undefined) ?? {}, member);
        }
        const flag = (message: string) => findings.push({ service, operation: name, kind: 'required-input', message: `${member}: ${message}` });
        let err: unknown;
        try {
          op.input(params, dummyCall(service));
        } catch (e) {
          err = e;
        }
        if (err === undefined) {
          flag('input() accepted the request without this required member');
          continue;
        }
        const e = err as { code?: string; message?: string; fields?: Record<string, string> };
        if (!e.code) {
          flag(`input() crashed: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ')}`);
          continue;
        }
        if (service === 'organizations') {
          const reason = e.fields?.Reason ?? '';
          if (e.code !== 'InvalidInputException' || reason !== 'INPUT_REQUIRED') {
            flag(`expected InvalidInputException (INPUT_REQUIRED), got ${e.code} ${reason}: ${e.message}`);
          }
          continue;
        }
        const clause = `at '${lcFirst(member)}' failed to satisfy constraint: Member must not be null`;
        if (e.code !== 'ValidationError' || !String(e.message).includes(clause)) flag(`expected ValidationError "…${clause}", got ${e.code}: ${e.message}`);
      }
    }
  }
  return checked;
}

// ------------------------------------------------------------------ (b') model constraints on input members

interface Violation {
  /** Replaces the member's flat Query keys (or its JSON value). */
  query?: Record<string, string>;
  json?: unknown;
  /** The §6.8 constraint text (Query services) / the InvalidInputException reasons (Organizations). */
  constraint: string;
  reasons: string[];
  /** The §6.8 path when not the member itself (`tags.1.member.key`). */
  path?: string;
}

/** True when the model's (Java) pattern, read as a JS RegExp, rejects `value`; false when it cannot be read. */
function violatesPattern(pattern: string, value: string): boolean {
  for (const flags of ['u', '']) {
    try {
      return !new RegExp(`^(?:${pattern})$`, flags).test(value);
    } catch {
      // not a valid JS pattern with these flags: try the next reading
    }
  }
  return false;
}

/** A list item the happy path never sent: each string member at its minimum length (or first enum value). */
function synthesizedItem(model: Model, item: Shape): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, ref] of Object.entries(item.members ?? {})) {
    const sub = model.shapes[ref.shape];
    if (sub.type === 'string') out[name] = sub.enum?.[0] ?? 'a'.repeat(Math.max(sub.min ?? 1, 1));
  }
  return out;
}

/** Values that break one constraint of a top-level input member (too long, too short, out of range, not in the enum, too many items). */
function violations(model: Model, member: string, shapeName: string, base: Record<string, unknown>, json: boolean): Violation[] {
  const shape = model.shapes[shapeName];
  const out: Violation[] = [];
  const q = (v: string) => ({ [member]: v });
  if (shape.type === 'string') {
    if (shape.enum) {
      out.push({ query: q('NotAModelValue'), json: 'NotAModelValue', constraint: 'Member must satisfy enum value set', reasons: ['INVALID_ENUM', 'INVALID_ENUM_POLICY_TYPE'] });
    } else {
      if (shape.max !== undefined) {
        const v = 'a'.repeat(shape.max + 1);
        out.push({ query: q(v), json: v, constraint: `Member must have length less than or equal to ${shape.max}`, reasons: ['MAX_LENGTH_EXCEEDED'] });
      }
      if (shape.pattern !== undefined) {
        // A control character of valid length breaks every pattern of these models; AWS prints the model's pattern text.
        const v = 'a'.repeat(Math.max((shape.min ?? 1) - 1, 1)) + '\u0001';
        if (!violatesPattern(shape.pattern, v)) return out;
        out.push({ query: q(v), json: v, constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`, reasons: ['INVALID_PATTERN', 'INVALID_PATTERN_TARGET_ID'] });
      }
      if (shape.min !== undefined && shape.min > 0) {
        const v = 'a'.repeat(shape.min - 1);
        out.push({ query: q(v), json: v, constraint: `Member must have length greater than or equal to ${shape.min}`, reasons: ['MIN_LENGTH_EXCEEDED'] });
      }
    }
  } else if (shape.type === 'integer' || shape.type === 'long') {
    if (shape.max !== undefined) out.push({ query: q(String(shape.max + 1)), json: shape.max + 1, constraint: `Member must have value less than or equal to ${shape.max}`, reasons: ['MAX_VALUE_EXCEEDED'] });
    if (shape.min !== undefined) out.push({ query: q(String(shape.min - 1)), json: shape.min - 1, constraint: `Member must have value greater than or equal to ${shape.min}`, reasons: ['MIN_VALUE_EXCEEDED'] });
  }
  if (shape.type === 'list' && !json && shape.min !== undefined && shape.min > 0) {
    out.push({ query: q(''), constraint: `Member must have length greater than or equal to ${shape.min}`, reasons: [] });
  }
  if (shape.type === 'list' && shape.max !== undefined && !json) {
    // One more item than allowed, modelled on the happy path's first item (or a synthesized one).
    const item = model.shapes[shape.member!.shape];
    let first = Object.entries(base).filter(([k]) => k.startsWith(`${member}.member.1`));
    if (item.type === 'structure' && first.length === 0) first = Object.entries(synthesizedItem(model, item)).map(([k, v]) => [`${member}.member.1.${k}`, v]);
    if (item.type !== 'string' && first.length === 0) return out;
    const query: Record<string, string> = {};
    for (let i = 1; i <= shape.max + 1; i++) {
      if (item.type === 'string') query[`${member}.member.${i}`] = first[0]?.[1] && item.enum ? String(first[0][1]) : `a${i}`;
      else for (const [k, v] of first) query[k.replace(`${member}.member.1`, `${member}.member.${i}`)] = member === 'Tags' && k.endsWith('.Key') ? `k${i}` : String(v);
    }
    out.push({ query, constraint: `Member must have length less than or equal to ${shape.max}`, reasons: [] });
  }
  if (shape.type === 'list' && !json) {
    // The members of the first item of a list of structures (Tags.member.1.Key → 'tags.1.member.key').
    const item = model.shapes[shape.member!.shape];
    let first = Object.entries(base).filter(([k]) => k.startsWith(`${member}.member.1.`));
    if (item.type === 'structure' && first.length === 0) first = Object.entries(synthesizedItem(model, item)).map(([k, v]) => [`${member}.member.1.${k}`, v]);
    if (item.type !== 'structure' || first.length === 0) return out;
    const itemBase = Object.fromEntries(first.map(([k, v]) => [k.slice(`${member}.member.1.`.length), v]));
    for (const req of item.required ?? []) {
      // A required member of the item left out (Tags.member.1.Value missing → "Value null at 'tags.1.member.value'").
      const query: Record<string, string> = {};
      for (const [k, val] of Object.entries(itemBase)) if (k !== req && !k.startsWith(`${req}.`)) query[`${member}.member.1.${k}`] = String(val);
      out.push({ query, constraint: 'Member must not be null', reasons: [], path: `${lcFirst(member)}.1.member.${lcFirst(req)}` });
    }
    for (const [sub, subRef] of Object.entries(item.members ?? {})) {
      if (!(sub in itemBase) || model.shapes[subRef.shape].type !== 'string') continue;
      for (const v of violations(model, sub, subRef.shape, {}, json)) {
        const query: Record<string, string> = {};
        for (const [k, val] of Object.entries(itemBase)) query[`${member}.member.1.${k}`] = String(val);
        for (const [k, val] of Object.entries(v.query ?? {})) query[`${member}.member.1.${k}`] = val;
        out.push({ ...v, query, path: `${lcFirst(member)}.1.member.${lcFirst(sub)}` });
      }
    }
  }
  if (shape.type === 'list' && json) {
    // JSON 1.1: the first item of a list of structures with one member broken (Tags: [{Key: 'a'.repeat(129), …}]).
    const item = model.shapes[shape.member!.shape];
    const list = base[member];
    const first = Array.isArray(list) && typeof list[0] === 'object' ? (list[0] as Record<string, unknown>) : item.type === 'structure' ? synthesizedItem(model, item) : undefined;
    if (item.type !== 'structure' || !first) return out;
    for (const req of item.required ?? []) {
      const { [req]: _dropped, ...rest } = first;
      out.push({ json: [rest], constraint: 'Member must not be null', reasons: ['INPUT_REQUIRED'] });
    }
    for (const [sub, subRef] of Object.entries(item.members ?? {})) {
      if (model.shapes[subRef.shape].type !== 'string') continue;
      for (const v of violations(model, sub, subRef.shape, {}, json)) out.push({ ...v, json: [{ ...first, [sub]: v.json }] });
    }
  }
  return out;
}

/** Members whose pattern failures IAM answers with its own text instead of the model's. */
const IAM_OWN_PATTERN_TEXTS = new Map<string, string>([
  ['Path', pathRules.path.patternMessage],
  ['PathPrefix', pathRules.pathPrefix.patternMessage],
]);

/** (b') Each top-level input member's model constraints (length, range, enum, list size) answer AWS's error naming that member. */
export function checkInputConstraints(models: Models, happy: HappyParams, findings: Finding[]): number {
  let checked = 0;
  for (const service of Object.keys(TABLES) as ServiceName[]) {
    const model = models[service];
    const json = model.metadata.protocol === 'json';
    for (const [name, op] of TABLES[service]) {
      const mop = model.operations[name];
      if (!mop?.input) continue;
      const base = (happy[service].get(name) ?? {}) as Record<string, unknown>;
      for (const [member, ref] of Object.entries(model.shapes[mop.input.shape].members ?? {})) {
        for (const v of violations(model, member, ref.shape, base, json)) {
          checked++;
          let params: Params;
          if (json) params = { ...base, [member]: v.json };
          else {
            const flat: Record<string, string> = {};
            for (const [k, val] of Object.entries(base)) if (k !== member && !k.startsWith(`${member}.`)) flat[k] = String(val);
            params = expandParams(decodeForm(new URLSearchParams({ ...flat, ...v.query }).toString()));
          }
          const flag = (message: string) => findings.push({ service, operation: name, kind: 'input-constraint', message: `${member} (${v.constraint}): ${message}` });
          let err: { code?: string; message?: string; fields?: Record<string, string> } | undefined;
          try {
            op.input(params, dummyCall(service));
          } catch (e) {
            err = e as typeof err;
          }
          if (!err) {
            flag('input() accepted the value');
            continue;
          }
          if (!err.code) {
            flag(`input() crashed: ${String((err as unknown as Error).stack).split('\n').slice(0, 2).join(' ')}`);
            continue;
          }
          if (json) {
            const reason = err.fields?.Reason ?? '';
            if (err.code !== 'InvalidInputException' || !v.reasons.includes(reason)) flag(`expected InvalidInputException (${v.reasons.join(' | ')}), got ${err.code} ${reason}: ${err.message}`);
            continue;
          }
          const clause = `at '${v.path ?? lcFirst(member)}' failed to satisfy constraint: ${v.constraint}`;
          // IAM answers Path/PathPrefix pattern failures with its own text (src/services/validate.ts pathRules).
          const own = IAM_OWN_PATTERN_TEXTS.get(member);
          if (own && v.constraint.startsWith('Member must satisfy regular expression pattern') && err.code === 'ValidationError' && err.message === own) continue;
          if (err.code !== 'ValidationError' || !String(err.message).includes(clause)) flag(`expected ValidationError "…${clause}", got ${err.code}: ${String(err.message).slice(0, 300)}`);
        }
      }
    }
  }
  return checked;
}

// ------------------------------------------------------------------ (c) the happy-path scenario

export type HappyParams = Record<ServiceName, Map<string, Record<string, unknown>>>;

const ACCOUNT = '000000000000';
const MGMT_ACCOUNT = '999999999999';
const ADMIN: Creds = { accessKeyId: 'AKIAMODELCHECKADMIN1', secretAccessKey: 'model-check-admin-secret-0000000000000001' };
const NOBODY: Creds = { accessKeyId: 'AKIAMODELCHECKNOBODY', secretAccessKey: 'model-check-nobody-secret-000000000000001' };
const MGMT: Creds = { accessKeyId: 'AKIAMODELCHECKMGMT01', secretAccessKey: 'model-check-mgmt-secret-0000000000000001' };
/** Organizations: a member account that leaves, and an account in no organization that creates its own. */
const MEMBER_ACCOUNT = '222222222222';
const MEMBER: Creds = { accessKeyId: 'AKIAMODELCHECKMEMBR1', secretAccessKey: 'model-check-member-secret-00000000000001' };
const LONE_ACCOUNT = '333333333333';
const LONE: Creds = { accessKeyId: 'AKIAMODELCHECKLONE01', secretAccessKey: 'model-check-lone-secret-0000000000000001' };

/** A key or certificate from test/fixtures/iam (made with ssh-keygen / openssl, not by iamlocal). */
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/iam/${name}`, import.meta.url), 'utf8');

const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const S3_READ = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const S3_LIST = doc({ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
const TRUST = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] });
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/model-check`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/model-check-boundary`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app/model-check-role`;
const OIDC_URL = 'https://oidc.example.com/id/MODELCHECK';
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/MODELCHECK`;
const SAML_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/model-check-idp`;
const samlMetadata = () => idpMetadataXml(SAML_ENTITY_ID, idpKey('idp').certificatePem, 'https://idp.example.test/sso');
const THUMB_A = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
const THUMB_B = '0123456789abcdef0123456789abcdef01234567';

const tags = (prefix: string, ...kv: [string, string][]) => Object.fromEntries(kv.flatMap(([k, v], i) => [[`${prefix}.member.${i + 1}.Key`, k], [`${prefix}.member.${i + 1}.Value`, v]]));
const list = (prefix: string, ...items: string[]) => Object.fromEntries(items.map((v, i) => [`${prefix}.member.${i + 1}`, v]));

interface Ctx {
  p: Pipeline;
  vars: Record<string, string>;
}

interface QueryStep {
  service: 'iam' | 'sts';
  op: string;
  params: Record<string, string> | ((ctx: Ctx) => Record<string, string>);
  creds?: Creds | ((ctx: Ctx) => Creds);
  before?: (ctx: Ctx) => void;
  after?: (res: PipelineResponse, root: XNode, ctx: Ctx) => void;
}

interface JsonStep {
  service: 'organizations';
  op: string;
  params: Record<string, unknown> | ((ctx: Ctx) => Record<string, unknown>);
  after?: (res: PipelineResponse, body: Record<string, any>, ctx: Ctx) => void;
  /** Who calls (the management account's root unless said otherwise). */
  creds?: Creds;
  /**
   * The error AWS answers this call with for every organization iamlocal can hold (CreateGovCloudAccount:
   * no management account is GovCloud-enabled). The step counts as exercised when exactly that error comes back.
   */
  expect?: string;
}

type Step = QueryStep | JsonStep;

const iam = (op: string, params: QueryStep['params'] = {}, extra: Partial<QueryStep> = {}): QueryStep => ({ service: 'iam', op, params, ...extra });
const sts = (op: string, params: QueryStep['params'] = {}, extra: Partial<QueryStep> = {}): QueryStep => ({ service: 'sts', op, params, ...extra });
const org = (op: string, params: JsonStep['params'] = {}, after?: JsonStep['after'], creds?: Creds): JsonStep => ({ service: 'organizations', op, params, after, creds });
/** An Organizations step whose only answer is the given modeled error. */
const orgError = (op: string, params: JsonStep['params'], expect: string): JsonStep => ({ service: 'organizations', op, params, expect });
const epoch = (d: Date) => d.getTime() / 1000;
/** The first instant of the month after `now`, and the last of the month after that (a transfer's dates). */
const nextMonth = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
const endOfNextMonth = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1) - 1);
const TAG_POLICY = JSON.stringify({ tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100', '200'] } } } });
const ORG_DELEGATION_POLICY = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['organizations:Describe*', 'organizations:List*'], Resource: '*' });

const seed = {
  accounts: [{ id: MGMT_ACCOUNT, rootAccessKeys: [MGMT] }, { id: MEMBER_ACCOUNT, rootAccessKeys: [MEMBER] }, { id: LONE_ACCOUNT, rootAccessKeys: [LONE] }],
  organization: { managementAccount: MGMT_ACCOUNT, accounts: [ACCOUNT, MEMBER_ACCOUNT] },
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    { name: 'nobody', accessKeys: [NOBODY] },
  ],
};

function mfaCodes(ctx: Ctx): { AuthenticationCode1: string; AuthenticationCode2: string } {
  const step = totpStep(ctx.p.clock.now());
  return { AuthenticationCode1: totpCodeAt(ctx.vars.mfaSeed, step - 1), AuthenticationCode2: totpCodeAt(ctx.vars.mfaSeed, step) };
}

export const STEPS: Step[] = [
  // managed policies and versions
  iam('CreatePolicy', { PolicyName: 'model-check', PolicyDocument: S3_READ, Description: 'model check', ...tags('Tags', ['team', 'a']) }),
  iam('CreatePolicy', { PolicyName: 'model-check-boundary', PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }),
  iam('GetPolicy', { PolicyArn: POLICY_ARN }),
  iam('ListPolicies', { Scope: 'Local', MaxItems: '1' }, { after: (_r, root, ctx) => (ctx.vars.policiesMarker = xmlText(root, 'Marker') ?? '') }),
  iam('ListPolicies', (ctx) => ({ Scope: 'Local', Marker: ctx.vars.policiesMarker })),
  iam('ListPolicies', { Scope: 'AWS', MaxItems: '2', PathPrefix: '/' }),
  iam('GetPolicy', { PolicyArn: BOUNDARY_ARN }),
  iam('GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  iam('GetPolicyVersion', { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', VersionId: 'v1' }),
  iam('ListPolicyVersions', { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  iam('CreatePolicyVersion', { PolicyArn: POLICY_ARN, PolicyDocument: S3_LIST, SetAsDefault: 'false' }),
  iam('GetPolicyVersion', { PolicyArn: POLICY_ARN, VersionId: 'v2' }),
  iam('ListPolicyVersions', { PolicyArn: POLICY_ARN }),
  iam('SetDefaultPolicyVersion', { PolicyArn: POLICY_ARN, VersionId: 'v2' }),
  iam('DeletePolicyVersion', { PolicyArn: POLICY_ARN, VersionId: 'v1' }),
  iam('TagPolicy', { PolicyArn: POLICY_ARN, ...tags('Tags', ['env', 'dev']) }),
  iam('ListPolicyTags', { PolicyArn: POLICY_ARN }),
  iam('UntagPolicy', { PolicyArn: POLICY_ARN, ...list('TagKeys', 'env') }),
  // roles
  iam('CreateRole', {
    Path: '/app/', RoleName: 'model-check-role', AssumeRolePolicyDocument: TRUST, Description: 'created', MaxSessionDuration: '7200',
    PermissionsBoundary: BOUNDARY_ARN, ...tags('Tags', ['team', 'a']),
  }),
  iam('CreateRole', { RoleName: 'model-check-plain', AssumeRolePolicyDocument: TRUST }),
  iam('GetRole', { RoleName: 'model-check-role' }),
  iam('GetRole', { RoleName: 'model-check-plain' }),
  iam('ListRoles', { PathPrefix: '/app/' }),
  iam('ListRoles', { MaxItems: '1' }, { after: (_r, root, ctx) => (ctx.vars.rolesMarker = xmlText(root, 'Marker') ?? '') }),
  iam('ListRoles', (ctx) => ({ Marker: ctx.vars.rolesMarker })),
  iam('UpdateRole', { RoleName: 'model-check-role', Description: 'updated', MaxSessionDuration: '3600' }),
  iam('UpdateRoleDescription', { RoleName: 'model-check-role', Description: 'updated again' }),
  iam('UpdateAssumeRolePolicy', { RoleName: 'model-check-role', PolicyDocument: TRUST }),
  iam('PutRolePolicy', { RoleName: 'model-check-role', PolicyName: 'inline', PolicyDocument: S3_READ }),
  iam('GetRolePolicy', { RoleName: 'model-check-role', PolicyName: 'inline' }),
  iam('ListRolePolicies', { RoleName: 'model-check-role' }),
  iam('AttachRolePolicy', { RoleName: 'model-check-role', PolicyArn: POLICY_ARN }),
  iam('ListAttachedRolePolicies', { RoleName: 'model-check-role' }),
  iam('PutRolePermissionsBoundary', { RoleName: 'model-check-plain', PermissionsBoundary: BOUNDARY_ARN }),
  iam('DeleteRolePermissionsBoundary', { RoleName: 'model-check-plain' }),
  iam('TagRole', { RoleName: 'model-check-role', ...tags('Tags', ['env', 'dev']) }),
  iam('ListRoleTags', { RoleName: 'model-check-role' }),
  iam('UntagRole', { RoleName: 'model-check-role', ...list('TagKeys', 'env') }),
  // instance profiles
  iam('CreateInstanceProfile', { InstanceProfileName: 'model-check-ip', Path: '/app/', ...tags('Tags', ['team', 'a']) }),
  iam('AddRoleToInstanceProfile', { InstanceProfileName: 'model-check-ip', RoleName: 'model-check-role' }),
  iam('GetInstanceProfile', { InstanceProfileName: 'model-check-ip' }),
  iam('CreateInstanceProfile', { InstanceProfileName: 'model-check-empty' }),
  iam('GetInstanceProfile', { InstanceProfileName: 'model-check-empty' }),
  iam('DeleteInstanceProfile', { InstanceProfileName: 'model-check-empty' }),
  iam('ListInstanceProfiles', {}),
  iam('ListInstanceProfilesForRole', { RoleName: 'model-check-role' }),
  iam('TagInstanceProfile', { InstanceProfileName: 'model-check-ip', ...tags('Tags', ['env', 'dev']) }),
  iam('ListInstanceProfileTags', { InstanceProfileName: 'model-check-ip' }),
  iam('UntagInstanceProfile', { InstanceProfileName: 'model-check-ip', ...list('TagKeys', 'env') }),
  // users and groups
  iam('CreateUser', { UserName: 'model-check-user', Path: '/people/', PermissionsBoundary: BOUNDARY_ARN, ...tags('Tags', ['team', 'a']) }),
  iam('CreateUser', { UserName: 'model-check-plain' }),
  iam('GetUser', { UserName: 'model-check-user' }),
  iam('GetUser', {}),
  iam('ListUsers', {}),
  iam('TagUser', { UserName: 'model-check-user', ...tags('Tags', ['env', 'dev']) }),
  iam('ListUserTags', { UserName: 'model-check-user' }),
  iam('UntagUser', { UserName: 'model-check-user', ...list('TagKeys', 'env') }),
  iam('PutUserPermissionsBoundary', { UserName: 'model-check-plain', PermissionsBoundary: BOUNDARY_ARN }),
  iam('DeleteUserPermissionsBoundary', { UserName: 'model-check-plain' }),
  iam('AttachUserPolicy', { UserName: 'model-check-user', PolicyArn: POLICY_ARN }),
  iam('ListAttachedUserPolicies', { UserName: 'model-check-user' }),
  iam('PutUserPolicy', { UserName: 'model-check-user', PolicyName: 'inline', PolicyDocument: S3_READ }),
  iam('GetUserPolicy', { UserName: 'model-check-user', PolicyName: 'inline' }),
  iam('ListUserPolicies', { UserName: 'model-check-user' }),
  iam('CreateGroup', { GroupName: 'model-check-group', Path: '/teams/' }),
  iam('AddUserToGroup', { GroupName: 'model-check-group', UserName: 'model-check-user' }),
  iam('GetGroup', { GroupName: 'model-check-group' }),
  iam('ListGroups', {}),
  iam('ListGroupsForUser', { UserName: 'model-check-user' }),
  iam('AttachGroupPolicy', { GroupName: 'model-check-group', PolicyArn: POLICY_ARN }),
  iam('ListAttachedGroupPolicies', { GroupName: 'model-check-group' }),
  iam('PutGroupPolicy', { GroupName: 'model-check-group', PolicyName: 'inline', PolicyDocument: S3_READ }),
  iam('GetGroupPolicy', { GroupName: 'model-check-group', PolicyName: 'inline' }),
  iam('ListGroupPolicies', { GroupName: 'model-check-group' }),
  iam('ListEntitiesForPolicy', { PolicyArn: POLICY_ARN }),
  iam('ListEntitiesForPolicy', { PolicyArn: POLICY_ARN, EntityFilter: 'Role', PolicyUsageFilter: 'PermissionsPolicy' }),
  iam('ListPolicies', { Scope: 'Local', OnlyAttached: 'true' }),
  // access keys
  iam('CreateAccessKey', { UserName: 'model-check-user' }, {
    after: (_r, root, ctx) => {
      ctx.vars.keyId = xmlText(root, 'AccessKeyId')!;
      ctx.vars.secret = xmlText(root, 'SecretAccessKey')!;
    },
  }),
  iam('ListAccessKeys', { UserName: 'model-check-user' }),
  iam('GetAccessKeyLastUsed', (ctx) => ({ AccessKeyId: ctx.vars.keyId })),
  iam('GetAccessKeyLastUsed', { AccessKeyId: ADMIN.accessKeyId }),
  // virtual MFA
  iam('CreateVirtualMFADevice', { VirtualMFADeviceName: 'model-check-mfa', ...tags('Tags', ['team', 'a']) }, {
    after: (_r, root, ctx) => {
      ctx.vars.serial = xmlText(root, 'SerialNumber')!;
      ctx.vars.mfaSeed = Buffer.from(xmlText(root, 'Base32StringSeed')!, 'base64').toString('utf8');
    },
  }),
  iam('EnableMFADevice', (ctx) => ({ UserName: 'model-check-user', SerialNumber: ctx.vars.serial, ...mfaCodes(ctx) })),
  iam('ListMFADevices', { UserName: 'model-check-user' }),
  iam('GetMFADevice', (ctx) => ({ UserName: 'model-check-user', SerialNumber: ctx.vars.serial })),
  iam('ListVirtualMFADevices', {}),
  iam('TagMFADevice', (ctx) => ({ SerialNumber: ctx.vars.serial, ...tags('Tags', ['env', 'dev']) })),
  iam('ListMFADeviceTags', (ctx) => ({ SerialNumber: ctx.vars.serial })),
  iam('UntagMFADevice', (ctx) => ({ SerialNumber: ctx.vars.serial, ...list('TagKeys', 'env') })),
  iam('ResyncMFADevice', (ctx) => ({ UserName: 'model-check-user', SerialNumber: ctx.vars.serial, ...mfaCodes(ctx) }), {
    before: (ctx) => ctx.p.clock.advance(120_000),
  }),
  // OIDC providers
  iam('CreateOpenIDConnectProvider', { Url: OIDC_URL, ...list('ClientIDList', 'sts.amazonaws.com'), ...list('ThumbprintList', THUMB_A), ...tags('Tags', ['team', 'a']) }),
  iam('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN }),
  iam('CreateSAMLProvider', () => ({ Name: 'model-check-idp', SAMLMetadataDocument: samlMetadata(), ...tags('Tags', ['team', 'a']) })),
  iam('GetSAMLProvider', { SAMLProviderArn: SAML_ARN }),
  iam('ListSAMLProviders', {}),
  iam('UpdateSAMLProvider', () => ({ SAMLProviderArn: SAML_ARN, SAMLMetadataDocument: samlMetadata(), AssertionEncryptionMode: 'Allowed' })),
  iam('TagSAMLProvider', { SAMLProviderArn: SAML_ARN, ...tags('Tags', ['env', 'dev']) }),
  iam('ListSAMLProviderTags', { SAMLProviderArn: SAML_ARN }),
  iam('UntagSAMLProvider', { SAMLProviderArn: SAML_ARN, ...list('TagKeys', 'env') }),
  iam('ListOpenIDConnectProviders', {}),
  iam('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN, ClientID: 'other-audience' }),
  iam('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN, ClientID: 'other-audience' }),
  iam('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: OIDC_ARN, ...list('ThumbprintList', THUMB_A, THUMB_B) }),
  iam('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN, ...tags('Tags', ['env', 'dev']) }),
  iam('ListOpenIDConnectProviderTags', { OpenIDConnectProviderArn: OIDC_ARN }),
  iam('UntagOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN, ...list('TagKeys', 'env', 'team') }),
  iam('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN, ClientID: 'sts.amazonaws.com' }),
  iam('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN }),
  // the simulator and account details
  iam('SimulatePrincipalPolicy', {
    PolicySourceArn: ROLE_ARN, ...list('ActionNames', 's3:GetObject', 's3:PutObject'), ...list('ResourceArns', 'arn:aws:s3:::bucket/key'),
    'ContextEntries.member.1.ContextKeyName': 'aws:RequestedRegion', 'ContextEntries.member.1.ContextKeyType': 'string', 'ContextEntries.member.1.ContextKeyValues.member.1': 'us-east-1',
  }),
  iam('SimulatePrincipalPolicy', { PolicySourceArn: ROLE_ARN, ...list('ActionNames', 's3:ListBucket'), MaxItems: '1' }),
  iam('SimulateCustomPolicy', { ...list('PolicyInputList', S3_LIST), ...list('ActionNames', 's3:GetObject', 'iam:GetRole') }),
  iam('SimulateCustomPolicy', {
    ...list('PolicyInputList', S3_READ), ...list('PermissionsBoundaryPolicyInputList', S3_LIST), ...list('ActionNames', 's3:GetObject'),
    ...list('ResourceArns', 'arn:aws:s3:::bucket/key'), ResourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: '*' }),
    CallerArn: `arn:aws:iam::${ACCOUNT}:user/admin`,
  }),
  iam('GetContextKeysForPrincipalPolicy', { PolicySourceArn: ROLE_ARN, ...list('PolicyInputList', S3_LIST) }),
  iam('GetContextKeysForCustomPolicy', list('PolicyInputList', S3_LIST)),
  iam('GetAccountAuthorizationDetails', {}),
  iam('GetAccountAuthorizationDetails', { MaxItems: '2' }),
  iam('GetAccountAuthorizationDetails', { ...list('Filter', 'LocalManagedPolicy', 'AWSManagedPolicy'), MaxItems: '3' }),
  // STS
  sts('GetCallerIdentity'),
  sts('AssumeRole', {
    RoleArn: ROLE_ARN, RoleSessionName: 'model-check', DurationSeconds: '900', Policy: S3_READ,
    'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess', ...tags('Tags', ['team', 'a']), ...list('TransitiveTagKeys', 'team'),
    SourceIdentity: 'alice',
  }, {
    after: (_r, root, ctx) => {
      ctx.vars.sessionKey = xmlText(root, 'AccessKeyId')!;
      ctx.vars.sessionSecret = xmlText(root, 'SecretAccessKey')!;
      ctx.vars.sessionToken = xmlText(root, 'SessionToken')!;
    },
  }),
  sts('GetCallerIdentity', {}, { creds: (ctx) => ({ accessKeyId: ctx.vars.sessionKey, secretAccessKey: ctx.vars.sessionSecret, sessionToken: ctx.vars.sessionToken }) }),
  iam('GetRole', { RoleName: 'model-check-role' }),
  sts('AssumeRole', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/model-check-plain`, RoleSessionName: 'plain' }),
  sts('GetSessionToken', { DurationSeconds: '900' }),
  sts('GetFederationToken', { Name: 'model-check', Policy: S3_READ, DurationSeconds: '900' }),
  sts('GetAccessKeyInfo', { AccessKeyId: ADMIN.accessKeyId }),
  sts('DecodeAuthorizationMessage', (ctx) => ({ EncodedMessage: ctx.vars.encoded })),
  // Access Advisor (issue 16): reports from what iamlocal authorized so far
  iam('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, Granularity: 'ACTION_LEVEL' }, { after: (_r, root, ctx) => (ctx.vars.jobId = xmlText(root, 'JobId')!) }),
  iam('GetServiceLastAccessedDetails', (ctx) => ({ JobId: ctx.vars.jobId, MaxItems: '3' }), { after: (_r, root, ctx) => (ctx.vars.jobMarker = xmlText(root, 'Marker') ?? '') }),
  iam('GetServiceLastAccessedDetails', (ctx) => ({ JobId: ctx.vars.jobId, Marker: ctx.vars.jobMarker })),
  iam('GetServiceLastAccessedDetailsWithEntities', (ctx) => ({ JobId: ctx.vars.jobId, ServiceNamespace: 'iam' })),
  iam('GenerateServiceLastAccessedDetails', { Arn: POLICY_ARN }),
  iam('ListPoliciesGrantingServiceAccess', { Arn: `arn:aws:iam::${ACCOUNT}:user/people/model-check-user`, ...list('ServiceNamespaces', 's3', 'iam') }),
  // outbound identity federation
  iam('EnableOutboundWebIdentityFederation', {}),
  iam('GetOutboundWebIdentityFederationInfo', {}),
  sts('GetWebIdentityToken', { ...list('Audience', 'https://api.example.com', 'other'), SigningAlgorithm: 'RS256', DurationSeconds: '300', ...tags('Tags', ['job', 'nightly']) }),
  iam('DisableOutboundWebIdentityFederation', {}),
  // temporary delegation: the lone account is the partner, this account the customer
  iam('CreatePolicy', { PolicyName: 'model-check-template', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) }, { creds: LONE }),
  iam('CreateDelegationRequest', {
    OwnerAccountId: ACCOUNT, Description: 'model check', RequestMessage: 'please', RequestorWorkflowId: 'model-check-1', RedirectUrl: 'https://partner.example.com/done',
    NotificationChannel: `arn:aws:sns:us-east-1:${LONE_ACCOUNT}:model-check`, SessionDuration: '3600', OnlySendByOwner: 'false',
    'Permissions.PolicyTemplateArn': `arn:aws:iam::${LONE_ACCOUNT}:policy/model-check-template`,
    'Permissions.Parameters.member.1.Name': 'Bucket', 'Permissions.Parameters.member.1.Values.member.1': 'b', 'Permissions.Parameters.member.1.Type': 'string',
  }, { creds: LONE, after: (_r, root, ctx) => (ctx.vars.delegation = xmlText(root, 'DelegationRequestId')!) }),
  iam('GetDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation })),
  iam('AssociateDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation })),
  iam('UpdateDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation, Notes: 'forwarded' })),
  iam('ListDelegationRequests', { MaxItems: '10' }),
  iam('GetHumanReadableSummary', (ctx) => ({ EntityArn: `arn:aws:iam::${ACCOUNT}:delegation-request/${ctx.vars.delegation}`, Locale: 'en' })),
  iam('GetDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation, DelegationPermissionCheck: 'true' })),
  iam('AcceptDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation })),
  iam('SendDelegationToken', (ctx) => ({ DelegationRequestId: ctx.vars.delegation }), {
    after: (_r, _root, ctx) => (ctx.vars.tradeIn = ctx.p.store.delegationRequests.get(ctx.vars.delegation)?.body.tradeInToken ?? ''),
  }),
  sts('GetDelegatedAccessToken', (ctx) => ({ TradeInToken: ctx.vars.tradeIn }), { creds: LONE }),
  iam('CreateDelegationRequest', {
    Description: 'model check 2', RequestorWorkflowId: 'model-check-2', NotificationChannel: 'model-check', SessionDuration: '900',
    'Permissions.PolicyTemplateArn': `arn:aws:iam::${LONE_ACCOUNT}:policy/model-check-template`,
  }, { creds: LONE, after: (_r, root, ctx) => (ctx.vars.delegation2 = xmlText(root, 'DelegationRequestId')!) }),
  iam('AssociateDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation2 })),
  iam('RejectDelegationRequest', (ctx) => ({ DelegationRequestId: ctx.vars.delegation2, Notes: 'no' })),
  // clean-up, each Delete/Remove/Detach answered with the model's (absent) output
  iam('UpdateAccessKey', (ctx) => ({ UserName: 'model-check-user', AccessKeyId: ctx.vars.keyId, Status: 'Inactive' })),
  iam('DeleteAccessKey', (ctx) => ({ UserName: 'model-check-user', AccessKeyId: ctx.vars.keyId })),
  iam('DeactivateMFADevice', (ctx) => ({ UserName: 'model-check-user', SerialNumber: ctx.vars.serial })),
  iam('ListMFADevices', { UserName: 'model-check-user' }),
  iam('ListVirtualMFADevices', { AssignmentStatus: 'Unassigned' }),
  iam('DeleteVirtualMFADevice', (ctx) => ({ SerialNumber: ctx.vars.serial })),
  // account settings, console passwords (ChangePassword as the admin user itself), service-linked roles
  iam('CreateAccountAlias', { AccountAlias: 'model-check' }),
  iam('ListAccountAliases', {}),
  iam('DeleteAccountAlias', { AccountAlias: 'model-check' }),
  iam('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '12', RequireNumbers: 'true', AllowUsersToChangePassword: 'true', MaxPasswordAge: '90', PasswordReusePrevention: '3', HardExpiry: 'false' }),
  iam('GetAccountPasswordPolicy', {}),
  iam('CreateLoginProfile', { UserName: 'admin', Password: 'Model-check-pass-1', PasswordResetRequired: 'true' }),
  iam('GetLoginProfile', { UserName: 'admin' }),
  iam('UpdateLoginProfile', { UserName: 'admin', Password: 'Model-check-pass-2', PasswordResetRequired: 'false' }),
  iam('ChangePassword', { OldPassword: 'Model-check-pass-2', NewPassword: 'Model-check-pass-3' }),
  iam('DeleteLoginProfile', { UserName: 'admin' }),
  iam('DeleteAccountPasswordPolicy', {}),
  iam('GetAccountSummary', {}),
  iam('SetSecurityTokenServicePreferences', { GlobalEndpointTokenVersion: 'v2Token' }),
  iam('CreateServiceLinkedRole', { AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'model', Description: 'model check' }),
  iam('DeleteServiceLinkedRole', { RoleName: 'AWSServiceRoleForAutoScaling_model' }, {
    after: (_r, root, ctx) => {
      ctx.vars.task = xmlText(root, 'DeletionTaskId')!;
    },
  }),
  iam('GetServiceLinkedRoleDeletionStatus', (ctx) => ({ DeletionTaskId: ctx.vars.task })),
  // SSH public keys, signing certificates, service-specific credentials, the credential report
  iam('UploadSSHPublicKey', { UserName: 'model-check-user', SSHPublicKeyBody: fixture('ssh-rsa.pub') }, {
    after: (_r, root, ctx) => {
      ctx.vars.sshKey = xmlText(root, 'SSHPublicKeyId')!;
    },
  }),
  iam('GetSSHPublicKey', (ctx) => ({ UserName: 'model-check-user', SSHPublicKeyId: ctx.vars.sshKey, Encoding: 'PEM' })),
  iam('ListSSHPublicKeys', { UserName: 'model-check-user' }),
  iam('UpdateSSHPublicKey', (ctx) => ({ UserName: 'model-check-user', SSHPublicKeyId: ctx.vars.sshKey, Status: 'Inactive' })),
  iam('DeleteSSHPublicKey', (ctx) => ({ UserName: 'model-check-user', SSHPublicKeyId: ctx.vars.sshKey })),
  iam('UploadSigningCertificate', { UserName: 'model-check-user', CertificateBody: fixture('signing-cert.pem') }, {
    after: (_r, root, ctx) => {
      ctx.vars.certId = xmlText(root, 'CertificateId')!;
    },
  }),
  iam('ListSigningCertificates', { UserName: 'model-check-user' }),
  iam('UpdateSigningCertificate', (ctx) => ({ UserName: 'model-check-user', CertificateId: ctx.vars.certId, Status: 'Inactive' })),
  iam('GenerateCredentialReport', {}),
  iam('GetCredentialReport', {}),
  iam('DeleteSigningCertificate', (ctx) => ({ UserName: 'model-check-user', CertificateId: ctx.vars.certId })),
  iam('CreateServiceSpecificCredential', { UserName: 'model-check-user', ServiceName: 'codecommit.amazonaws.com' }, {
    after: (_r, root, ctx) => {
      ctx.vars.sscId = xmlText(root, 'ServiceSpecificCredentialId')!;
    },
  }),
  iam('ListServiceSpecificCredentials', { UserName: 'model-check-user' }),
  iam('ResetServiceSpecificCredential', (ctx) => ({ UserName: 'model-check-user', ServiceSpecificCredentialId: ctx.vars.sscId })),
  iam('UpdateServiceSpecificCredential', (ctx) => ({ UserName: 'model-check-user', ServiceSpecificCredentialId: ctx.vars.sscId, Status: 'Inactive' })),
  iam('DeleteServiceSpecificCredential', (ctx) => ({ UserName: 'model-check-user', ServiceSpecificCredentialId: ctx.vars.sscId })),
  iam('UploadServerCertificate', { ServerCertificateName: 'model-check-cert', Path: '/web/', CertificateBody: fixture('server-cert.pem'), PrivateKey: fixture('server-cert.key'), ...tags('Tags', ['team', 'a']) }),
  iam('GetServerCertificate', { ServerCertificateName: 'model-check-cert' }),
  iam('ListServerCertificates', {}),
  iam('TagServerCertificate', { ServerCertificateName: 'model-check-cert', ...tags('Tags', ['env', 'dev']) }),
  iam('ListServerCertificateTags', { ServerCertificateName: 'model-check-cert' }),
  iam('UntagServerCertificate', { ServerCertificateName: 'model-check-cert', ...list('TagKeys', 'env') }),
  iam('UpdateServerCertificate', { ServerCertificateName: 'model-check-cert', NewServerCertificateName: 'model-check-cert2', NewPath: '/' }),
  iam('DeleteServerCertificate', { ServerCertificateName: 'model-check-cert2' }),
  iam('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: OIDC_ARN }),
  iam('DeleteSAMLProvider', { SAMLProviderArn: SAML_ARN }),
  iam('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'model-check-ip', RoleName: 'model-check-role' }),
  iam('DeleteInstanceProfile', { InstanceProfileName: 'model-check-ip' }),
  iam('DetachRolePolicy', { RoleName: 'model-check-role', PolicyArn: POLICY_ARN }),
  iam('DeleteRolePolicy', { RoleName: 'model-check-role', PolicyName: 'inline' }),
  iam('DeleteRole', { RoleName: 'model-check-role' }),
  iam('DetachUserPolicy', { UserName: 'model-check-user', PolicyArn: POLICY_ARN }),
  iam('DeleteUserPolicy', { UserName: 'model-check-user', PolicyName: 'inline' }),
  iam('RemoveUserFromGroup', { GroupName: 'model-check-group', UserName: 'model-check-user' }),
  iam('DetachGroupPolicy', { GroupName: 'model-check-group', PolicyArn: POLICY_ARN }),
  iam('DeleteGroupPolicy', { GroupName: 'model-check-group', PolicyName: 'inline' }),
  iam('UpdateGroup', { GroupName: 'model-check-group', NewGroupName: 'model-check-group2', NewPath: '/' }),
  iam('DeleteGroup', { GroupName: 'model-check-group2' }),
  iam('UpdateUser', { UserName: 'model-check-plain', NewUserName: 'model-check-plain2', NewPath: '/' }),
  iam('DeleteUser', { UserName: 'model-check-plain2' }),
  iam('DeletePolicy', { PolicyArn: POLICY_ARN }),
  // Organizations (JSON 1.1), as the management account's root
  org('DescribeOrganization'),
  org('ListRoots', {}, (_r, b, ctx) => (ctx.vars.rootId = b.Roots[0].Id)),
  org('ListAccounts', { MaxResults: 1 }),
  org('DescribeAccount', { AccountId: ACCOUNT }),
  org('ListAccountsForParent', (ctx) => ({ ParentId: ctx.vars.rootId })),
  org('CreateOrganizationalUnit', (ctx) => ({ ParentId: ctx.vars.rootId, Name: 'model-check', Tags: [{ Key: 'team', Value: 'a' }] }), (_r, b, ctx) => (ctx.vars.ouId = b.OrganizationalUnit.Id)),
  org('DescribeOrganizationalUnit', (ctx) => ({ OrganizationalUnitId: ctx.vars.ouId })),
  org('ListOrganizationalUnitsForParent', (ctx) => ({ ParentId: ctx.vars.rootId })),
  org('UpdateOrganizationalUnit', (ctx) => ({ OrganizationalUnitId: ctx.vars.ouId, Name: 'model-check-2' })),
  org('MoveAccount', (ctx) => ({ AccountId: ACCOUNT, SourceParentId: ctx.vars.rootId, DestinationParentId: ctx.vars.ouId })),
  org('ListParents', { ChildId: ACCOUNT }),
  org('ListChildren', (ctx) => ({ ParentId: ctx.vars.rootId, ChildType: 'ORGANIZATIONAL_UNIT' })),
  org('EnablePolicyType', (ctx) => ({ RootId: ctx.vars.rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' })),
  org('CreatePolicy', { Content: S3_READ, Description: 'model check', Name: 'model-check', Type: 'SERVICE_CONTROL_POLICY', Tags: [{ Key: 'team', Value: 'a' }] }, (_r, b, ctx) => (ctx.vars.policyId = b.Policy.PolicySummary.Id)),
  org('DescribePolicy', (ctx) => ({ PolicyId: ctx.vars.policyId })),
  org('UpdatePolicy', (ctx) => ({ PolicyId: ctx.vars.policyId, Name: 'model-check-2', Description: 'again' })),
  org('ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' }),
  org('AttachPolicy', (ctx) => ({ PolicyId: ctx.vars.policyId, TargetId: ctx.vars.ouId })),
  org('ListPoliciesForTarget', (ctx) => ({ TargetId: ctx.vars.ouId, Filter: 'SERVICE_CONTROL_POLICY' })),
  org('ListTargetsForPolicy', (ctx) => ({ PolicyId: ctx.vars.policyId })),
  org('DetachPolicy', (ctx) => ({ PolicyId: ctx.vars.policyId, TargetId: ctx.vars.ouId })),
  org('DeletePolicy', (ctx) => ({ PolicyId: ctx.vars.policyId })),
  org('MoveAccount', (ctx) => ({ AccountId: ACCOUNT, SourceParentId: ctx.vars.ouId, DestinationParentId: ctx.vars.rootId })),
  org('DeleteOrganizationalUnit', (ctx) => ({ OrganizationalUnitId: ctx.vars.ouId })),
  org('DisablePolicyType', (ctx) => ({ RootId: ctx.vars.rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' })),
  org('CreateAccount', { Email: 'model-check@example.com', AccountName: 'model-check', Tags: [{ Key: 'team', Value: 'a' }] }, (_r, b, ctx) => {
    ctx.vars.carId = b.CreateAccountStatus.Id;
    ctx.vars.newAccount = b.CreateAccountStatus.AccountId;
  }),
  org('DescribeCreateAccountStatus', (ctx) => ({ CreateAccountRequestId: ctx.vars.carId })),
  org('ListCreateAccountStatus', { States: ['SUCCEEDED'] }),
  org('CloseAccount', (ctx) => ({ AccountId: ctx.vars.newAccount })),
  org('RemoveAccountFromOrganization', (ctx) => ({ AccountId: ctx.vars.newAccount })),
  org('LeaveOrganization', {}, undefined, MEMBER),
  orgError('CreateGovCloudAccount', { Email: 'gov@example.com', AccountName: 'gov', Tags: [{ Key: 'team', Value: 'a' }] }, 'ConstraintViolationException'),
  // handshakes: the member that left is invited back and accepts; the lone account declines one invitation, another is canceled
  org('InviteAccountToOrganization', { Target: { Id: MEMBER_ACCOUNT, Type: 'ACCOUNT' }, Notes: 'come back', Tags: [{ Key: 'team', Value: 'a' }] }, (_r, b, ctx) => (ctx.vars.handshakeId = b.Handshake.Id)),
  org('DescribeHandshake', (ctx) => ({ HandshakeId: ctx.vars.handshakeId })),
  org('ListHandshakesForOrganization', { Filter: { ActionType: 'INVITE' }, MaxResults: 5 }),
  org('ListHandshakesForAccount', { MaxResults: 5 }, undefined, MEMBER),
  org('AcceptHandshake', (ctx) => ({ HandshakeId: ctx.vars.handshakeId }), undefined, MEMBER),
  org('InviteAccountToOrganization', { Target: { Id: LONE_ACCOUNT, Type: 'ACCOUNT' } }, (_r, b, ctx) => (ctx.vars.declinedId = b.Handshake.Id)),
  org('DeclineHandshake', (ctx) => ({ HandshakeId: ctx.vars.declinedId }), undefined, LONE),
  org('InviteAccountToOrganization', { Target: { Id: LONE_ACCOUNT, Type: 'ACCOUNT' } }, (_r, b, ctx) => (ctx.vars.canceledId = b.Handshake.Id)),
  org('CancelHandshake', (ctx) => ({ HandshakeId: ctx.vars.canceledId })),
  // tags on an account
  org('TagResource', { ResourceId: ACCOUNT, Tags: [{ Key: 'env', Value: 'test' }] }),
  org('ListTagsForResource', { ResourceId: ACCOUNT }),
  org('UntagResource', { ResourceId: ACCOUNT, TagKeys: ['env'] }),
  // trusted access and a delegated administrator
  org('EnableAWSServiceAccess', { ServicePrincipal: 'config.amazonaws.com' }),
  org('ListAWSServiceAccessForOrganization', { MaxResults: 5 }),
  org('RegisterDelegatedAdministrator', { AccountId: ACCOUNT, ServicePrincipal: 'config.amazonaws.com' }),
  org('ListDelegatedAdministrators', { ServicePrincipal: 'config.amazonaws.com', MaxResults: 5 }),
  org('ListDelegatedServicesForAccount', { AccountId: ACCOUNT, MaxResults: 5 }),
  org('DeregisterDelegatedAdministrator', { AccountId: ACCOUNT, ServicePrincipal: 'config.amazonaws.com' }),
  org('DisableAWSServiceAccess', { ServicePrincipal: 'config.amazonaws.com' }),
  // the organization's resource policy
  org('PutResourcePolicy', { Content: ORG_DELEGATION_POLICY, Tags: [{ Key: 'team', Value: 'a' }] }),
  org('DescribeResourcePolicy'),
  org('DeleteResourcePolicy'),
  // a tag policy on the root and the account's effective tag policy
  org('EnablePolicyType', (ctx) => ({ RootId: ctx.vars.rootId, PolicyType: 'TAG_POLICY' })),
  org('CreatePolicy', { Content: TAG_POLICY, Description: 'cost centers', Name: 'model-check-tags', Type: 'TAG_POLICY' }, (_r, b, ctx) => (ctx.vars.tagPolicyId = b.Policy.PolicySummary.Id)),
  org('AttachPolicy', (ctx) => ({ PolicyId: ctx.vars.tagPolicyId, TargetId: ctx.vars.rootId })),
  org('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: ACCOUNT }),
  org('ListEffectivePolicyValidationErrors', { AccountId: ACCOUNT, PolicyType: 'TAG_POLICY', MaxResults: 5 }),
  org('ListAccountsWithInvalidEffectivePolicy', { PolicyType: 'TAG_POLICY', MaxResults: 5 }),
  org('DetachPolicy', (ctx) => ({ PolicyId: ctx.vars.tagPolicyId, TargetId: ctx.vars.rootId })),
  org('DeletePolicy', (ctx) => ({ PolicyId: ctx.vars.tagPolicyId })),
  org('DisablePolicyType', (ctx) => ({ RootId: ctx.vars.rootId, PolicyType: 'TAG_POLICY' })),
  org('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' }, undefined, LONE),
  org('EnableAllFeatures', {}, undefined, LONE),
  // a billing transfer: the management account takes on the lone organization's billing
  org(
    'InviteOrganizationToTransferResponsibility',
    (ctx) => ({ Type: 'BILLING', Target: { Id: LONE_ACCOUNT, Type: 'ACCOUNT' }, Notes: 'billing', StartTimestamp: epoch(nextMonth(ctx.p.clock.now())), SourceName: 'model-check', Tags: [{ Key: 'team', Value: 'a' }] }),
    (_r, b, ctx) => {
      ctx.vars.transferHandshakeId = b.Handshake.Id;
      ctx.vars.transferId = b.Handshake.Resources.find((r: { Type: string }) => r.Type === 'RESPONSIBILITY_TRANSFER').Value;
    },
  ),
  org('AcceptHandshake', (ctx) => ({ HandshakeId: ctx.vars.transferHandshakeId }), undefined, LONE),
  org('DescribeResponsibilityTransfer', (ctx) => ({ Id: ctx.vars.transferId })),
  org('ListInboundResponsibilityTransfers', (ctx) => ({ Type: 'BILLING', Id: ctx.vars.transferId, MaxResults: 5 })),
  org('ListOutboundResponsibilityTransfers', { Type: 'BILLING', MaxResults: 5 }, undefined, LONE),
  org('UpdateResponsibilityTransfer', (ctx) => ({ Id: ctx.vars.transferId, Name: 'model-check-2' })),
  org('TerminateResponsibilityTransfer', (ctx) => ({ Id: ctx.vars.transferId, EndTimestamp: epoch(endOfNextMonth(ctx.p.clock.now())) })),
  org('DeleteOrganization', {}, undefined, LONE),
  // centralized root access and the organizations access report, from the management account
  org('DescribeOrganization', {}, (_r, b, ctx) => (ctx.vars.orgId = b.Organization.Id)),
  iam('EnableOrganizationsRootCredentialsManagement', {}, { creds: MGMT }),
  iam('EnableOrganizationsRootSessions', {}, { creds: MGMT }),
  iam('ListOrganizationsFeatures', {}, { creds: MGMT }),
  iam('CreateUser', { UserName: 'model-check-mgmt' }, { creds: MGMT }),
  iam('AttachUserPolicy', { UserName: 'model-check-mgmt', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, { creds: MGMT }),
  iam('CreateAccessKey', { UserName: 'model-check-mgmt' }, {
    creds: MGMT,
    after: (_r, root, ctx) => {
      ctx.vars.mgmtKey = xmlText(root, 'AccessKeyId')!;
      ctx.vars.mgmtSecret = xmlText(root, 'SecretAccessKey')!;
    },
  }),
  sts('AssumeRoot', { TargetPrincipal: ACCOUNT, 'TaskPolicyArn.arn': 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials', DurationSeconds: '900' }, {
    creds: (ctx) => ({ accessKeyId: ctx.vars.mgmtKey, secretAccessKey: ctx.vars.mgmtSecret }),
  }),
  iam('DisableOrganizationsRootSessions', {}, { creds: MGMT }),
  iam('DisableOrganizationsRootCredentialsManagement', {}, { creds: MGMT }),
  iam('GenerateOrganizationsAccessReport', (ctx) => ({ EntityPath: `${ctx.vars.orgId}/${ctx.vars.rootId}` }), { creds: MGMT, after: (_r, root, ctx) => (ctx.vars.orgJob = xmlText(root, 'JobId')!) }),
  iam('GetOrganizationsAccessReport', (ctx) => ({ JobId: ctx.vars.orgJob, MaxItems: '2', SortKey: 'LAST_AUTHENTICATED_TIME_DESCENDING' }), { creds: MGMT }),
];

/** AssumeRoleWithWebIdentity needs a token from a registered provider: its own account and clock. */
async function webIdentityStep(models: Models, findings: Finding[], happy: HappyParams): Promise<void> {
  const account = '123456789012';
  const p = await pipeline(
    {
      accounts: [{ id: account }],
      oidcProviders: [{ account, url: ISSUER, clientIds: ['sts.amazonaws.com'], jwks: jwks([publicJwkOf('cluster-rsa')]) }],
      roles: [{ account, name: 'irsa', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${PROVIDER_URL}` }, Action: 'sts:AssumeRoleWithWebIdentity' }] } }],
    },
    new Date(TOKEN_T0.getTime() + 60_000),
  );
  const params = { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: `arn:aws:iam::${account}:role/irsa`, RoleSessionName: 'model-check', WebIdentityToken: await buildToken({}) };
  record(models, findings, happy, 'sts', 'AssumeRoleWithWebIdentity', params, await p.unsigned(params));
}

/** AssumeRoleWithSAML needs a response signed by a registered provider's key, on the mint clock. */
async function samlStep(models: Models, findings: Finding[], happy: HappyParams): Promise<void> {
  const account = '000000000000';
  const p = await pipeline(
    {
      roles: [{ account, name: 'SSOAdmin', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:saml-provider/ExampleIdP` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }] } }],
    },
    new Date(SAML_T0.getTime() + 60_000),
  );
  const created = await p.signed({ Action: 'CreateSAMLProvider', Version: '2010-05-08', Name: 'ExampleIdP', SAMLMetadataDocument: samlMetadata() }, { ...ROOT_CREDENTIALS }, 'iam');
  if (created.status !== 200) findings.push({ service: 'sts', operation: 'AssumeRoleWithSAML', kind: 'call-failed', message: `set-up: HTTP ${created.status}` });
  const params = {
    Action: 'AssumeRoleWithSAML',
    Version: '2011-06-15',
    RoleArn: `arn:aws:iam::${account}:role/SSOAdmin`,
    PrincipalArn: `arn:aws:iam::${account}:saml-provider/ExampleIdP`,
    SAMLAssertion: mintSaml({ principalTags: { team: 'a' } }).samlResponse,
  };
  record(models, findings, happy, 'sts', 'AssumeRoleWithSAML', params, await p.unsigned(params));
}

/** Sees every scenario response (`--dump` prints them). */
export type Trace = (service: ServiceName, op: string, params: Record<string, unknown>, res: PipelineResponse) => void;
let trace: Trace | undefined;

function record(models: Models, findings: Finding[], happy: HappyParams, service: ServiceName, op: string, params: Record<string, unknown>, res: PipelineResponse): boolean {
  trace?.(service, op, params, res);
  if (res.status !== 200) {
    const error = service === 'organizations' ? res.body.slice(0, 200) : `${res.error.code}: ${res.error.message}`;
    findings.push({ service, operation: op, kind: 'call-failed', message: `HTTP ${res.status} ${error}` });
    return false;
  }
  if (!happy[service].has(op)) happy[service].set(op, params);
  checkResponse(models, service, op, res.body, findings);
  checkHeaders(models, service, op, res, findings);
  return true;
}

/** Success headers (aws-protocol §3.1): the content type of the protocol and x-amzn-RequestId (SDK v3 reads the id only from it), equal to the body's. */
function checkHeaders(models: Models, service: ServiceName, op: string, res: PipelineResponse, findings: Finding[]): void {
  const flag = (message: string): void => void findings.push({ service, operation: op, kind: 'envelope', message });
  const json = models[service].metadata.protocol === 'json';
  const type = res.headers.get('content-type') ?? '';
  if (type !== (json ? 'application/x-amz-json-1.1' : 'text/xml')) flag(`Content-Type ${JSON.stringify(type)}`);
  const id = res.headers.get('x-amzn-requestid');
  if (!id) return flag('no x-amzn-RequestId header');
  if (!json && id !== /<RequestId>([^<]*)<\/RequestId>/.exec(res.body)?.[1]) flag('x-amzn-RequestId differs from ResponseMetadata/RequestId');
}

export async function runScenario(models: Models, findings: Finding[], onResponse?: Trace): Promise<{ happy: HappyParams; ctx: Ctx }> {
  trace = onResponse;
  const happy: HappyParams = { iam: new Map(), sts: new Map(), organizations: new Map() };
  const p = await pipeline(seed);
  const ctx: Ctx = { p, vars: {} };
  // An AccessDenied carries the sealed message DecodeAuthorizationMessage reads back.
  const denied = await p.signed({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'admin' }, NOBODY, 'iam');
  ctx.vars.encoded = denied.headers.get(AUTHORIZATION_MESSAGE_HEADER) ?? '';
  for (const step of STEPS) {
    if (step.service === 'organizations') {
      const params = typeof step.params === 'function' ? step.params(ctx) : step.params;
      const res = await p.json(`AWSOrganizationsV20161128.${step.op}`, params, step.creds ?? MGMT);
      if (step.expect) {
        trace?.('organizations', step.op, params, res);
        const code = res.status === 200 ? 'none' : String((JSON.parse(res.body) as { __type?: string }).__type ?? '').split('#').pop();
        if (code !== step.expect) findings.push({ service: 'organizations', operation: step.op, kind: 'call-failed', message: `expected ${step.expect}, got HTTP ${res.status} ${res.body.slice(0, 200)}` });
        else if (!happy.organizations.has(step.op)) happy.organizations.set(step.op, params);
        continue;
      }
      if (record(models, findings, happy, 'organizations', step.op, params, res) && step.after) step.after(res, JSON.parse(res.body), ctx);
      continue;
    }
    step.before?.(ctx);
    const version = step.service === 'iam' ? '2010-05-08' : '2011-06-15';
    const params = { Action: step.op, Version: version, ...(typeof step.params === 'function' ? step.params(ctx) : step.params) };
    const creds = typeof step.creds === 'function' ? step.creds(ctx) : step.creds ?? ADMIN;
    const res = await p.signed(params, creds, step.service);
    if (record(models, findings, happy, step.service, step.op, params, res) && step.after) step.after(res, parseXml(res.body), ctx);
  }
  await webIdentityStep(models, findings, happy);
  await samlStep(models, findings, happy);
  return { happy, ctx };
}

// ------------------------------------------------------------------ (c') error answers

/**
 * Codes every operation may answer although no operation models them: the common errors of the Query
 * and JSON front ends (aws-protocol §4.7, §6.6; https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
 */
const COMMON_ERRORS = new Set([
  'ValidationError', 'AccessDenied', 'InvalidAction', 'MissingAction', 'MissingAuthenticationToken', 'InvalidClientTokenId',
  'SignatureDoesNotMatch', 'IncompleteSignature', 'ExpiredToken', 'RequestExpired', 'InvalidParameterValue',
  'InvalidParameterCombination', 'MissingParameter', 'Throttling', 'ServiceUnavailable', 'InternalFailure',
  // JSON 1.1 front end
  'UnrecognizedClientException', 'MissingAuthenticationTokenException', 'InvalidSignatureException', 'SerializationException',
  'UnknownOperationException', 'ValidationException', 'ThrottlingException',
]);

/** The modeled errors of one operation: wire code → HTTP status (undefined where the model gives none). */
function modeledErrors(model: Model, operation: string): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  const op = model.operations[operation] as { errors?: { shape: string }[] };
  for (const e of op.errors ?? []) {
    const shape = model.shapes[e.shape] as Shape & { error?: { code?: string; httpStatusCode?: number } };
    out.set(shape.error?.code ?? e.shape, shape.error?.httpStatusCode);
  }
  return out;
}

/** One error answer: a code the operation models (with the model's status) or a common one, in AWS's envelope. */
export function checkErrorResponse(models: Models, service: ServiceName, operation: string, status: number, body: string, findings: Finding[]): void {
  const model = models[service];
  const flag = (message: string): void => void findings.push({ service, operation, kind: 'error', message });
  let code: string;
  if (model.metadata.protocol === 'json') {
    try {
      code = String((JSON.parse(body) as { __type?: string }).__type ?? '');
    } catch {
      return flag(`HTTP ${status} body is not JSON`);
    }
  } else {
    let root: XNode;
    try {
      root = parseXml(body);
    } catch {
      return flag(`HTTP ${status} body is not XML`);
    }
    const error = root.children.find((c) => c.name === 'Error');
    if (root.name !== 'ErrorResponse' || !error || !root.children.some((c) => c.name === 'RequestId')) return flag(`HTTP ${status}: not <ErrorResponse><Error/><RequestId/>`);
    code = xmlText(error, 'Code') ?? '';
    const type = xmlText(error, 'Type');
    if (type !== (status >= 500 ? 'Receiver' : 'Sender')) flag(`${code}: Type ${type} for HTTP ${status}`);
  }
  const modeled = modeledErrors(model, operation);
  if (modeled.has(code)) {
    const want = modeled.get(code);
    if (want !== undefined && want !== status) flag(`${code}: HTTP ${status}, the model says ${want}`);
    return;
  }
  if (!COMMON_ERRORS.has(code)) flag(`${code} (HTTP ${status}) is neither modeled for ${operation} [${[...modeled.keys()].join(', ')}] nor a common error`);
}

/** Replays every step but the Create* ones against a fresh server (nothing of the scenario exists), then all again on the first one (clean-up done). */
async function errorReplay(models: Models, findings: Finding[], first: Ctx): Promise<number> {
  let errors = 0;
  const fresh = await pipeline(seed);
  for (const p of [fresh, first.p]) {
    const ctx: Ctx = { p, vars: { ...first.vars } };
    for (const step of STEPS) {
      // On the fresh server nothing is created, so every later step meets a missing entity.
      if (p === fresh && /^Create/.test(step.op)) continue;
      let res: PipelineResponse;
      if (step.service === 'organizations') {
        const params = typeof step.params === 'function' ? step.params(ctx) : step.params;
        res = await p.json(`AWSOrganizationsV20161128.${step.op}`, params, step.creds ?? MGMT);
      } else {
        const params = { Action: step.op, Version: step.service === 'iam' ? '2010-05-08' : '2011-06-15', ...(typeof step.params === 'function' ? step.params(ctx) : step.params) };
        const creds = typeof step.creds === 'function' ? step.creds(ctx) : step.creds ?? ADMIN;
        res = await p.signed(params, creds, step.service);
      }
      trace?.(step.service, step.op, {}, res);
      if (res.status === 200) continue;
      errors++;
      checkErrorResponse(models, step.service, step.op, res.status, res.body, findings);
    }
  }
  return errors;
}

// ------------------------------------------------------------------ the whole check

export interface ModelReport {
  findings: Finding[];
  /** Operations of the IAM/STS models that iamlocal answers with InvalidAction. */
  notImplemented: Record<'iam' | 'sts', string[]>;
  implemented: Record<ServiceName, number>;
  requiredMembersChecked: number;
  constraintsChecked: number;
  /** Error answers of the replays checked against the operations' modeled errors. */
  errorsChecked: number;
  exercised: Record<ServiceName, number>;
}

export async function checkModels(models: Models, onResponse?: Trace): Promise<ModelReport> {
  const findings: Finding[] = [];
  for (const service of Object.keys(TABLES) as ServiceName[]) {
    for (const name of TABLES[service].keys()) {
      if (!models[service].operations[name]) findings.push({ service, operation: name, kind: 'missing-operation', message: `not an operation of the ${service} model` });
    }
  }
  const { happy, ctx } = await runScenario(models, findings, onResponse);
  for (const service of Object.keys(TABLES) as ServiceName[]) {
    for (const name of TABLES[service].keys()) {
      if (!happy[service].has(name)) findings.push({ service, operation: name, kind: 'not-exercised', message: 'no successful happy-path call (output unchecked)' });
    }
  }
  const requiredMembersChecked = checkRequiredInputs(models, happy, findings);
  const constraintsChecked = checkInputConstraints(models, happy, findings);
  const errorsChecked = await errorReplay(models, findings, ctx);
  const notImplemented = {
    iam: Object.keys(models.iam.operations).filter((n) => !iamOperations.has(n)).sort(),
    sts: Object.keys(models.sts.operations).filter((n) => !stsOperations.has(n)).sort(),
  };
  // What we do not answer must be AWS's "unknown action" error, never a crash or a silent 200.
  const p = await pipeline(seed);
  for (const service of ['iam', 'sts'] as const) {
    for (const op of notImplemented[service]) {
      const res = await p.signed({ Action: op, Version: models[service].metadata.apiVersion }, ADMIN, service);
      if (res.status !== 400 || res.error.code !== 'InvalidAction') findings.push({ service, operation: op, kind: 'error', message: `not implemented but answered HTTP ${res.status} ${res.error.code}` });
    }
  }
  const count = (s: ServiceName) => TABLES[s].size;
  return {
    findings,
    notImplemented,
    implemented: { iam: count('iam'), sts: count('sts'), organizations: count('organizations') },
    requiredMembersChecked,
    constraintsChecked,
    errorsChecked,
    exercised: { iam: happy.iam.size, sts: happy.sts.size, organizations: happy.organizations.size },
  };
}

async function main(): Promise<void> {
  const models = loadModels();
  if (!models) {
    console.error('check-models: python3 with botocore is required (python3 -c "import botocore") — nothing checked');
    process.exit(2);
  }
  const dump = process.argv.includes('--dump');
  const r = await checkModels(models, dump ? (s, op, _p, res) => console.log(`--- ${s}:${op} ${res.status}\n${res.body}`) : undefined);
  for (const f of r.findings) console.log(`${f.kind.padEnd(17)} ${f.service}:${f.operation} — ${f.message}`);
  console.log('');
  for (const s of Object.keys(r.implemented) as ServiceName[]) {
    console.log(`${s}: ${r.implemented[s]} operations implemented, ${r.exercised[s]} exercised on a happy path, ${Object.keys(models[s].operations).length} in the model`);
  }
  console.log(`${r.requiredMembersChecked} required input members checked, ${r.constraintsChecked} input-member constraints checked, ${r.errorsChecked} error answers checked`);
  console.log(`not implemented (InvalidAction): iam ${r.notImplemented.iam.length}, sts ${r.notImplemented.sts.length}`);
  console.log(`  sts: ${r.notImplemented.sts.join(', ')}`);
  console.log(`  iam: ${r.notImplemented.iam.join(', ')}`);
  const orgMissing = Object.keys(models.organizations.operations).filter((n) => !organizationsOperations.has(n)).sort();
  console.log(`  organizations (UnknownOperationException): ${orgMissing.length} — ${orgMissing.join(', ')}`);
  console.log(`${r.findings.length} finding(s)`);
  process.exit(r.findings.length > 0 ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
