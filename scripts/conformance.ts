// Owns the conformance runner: evaluates every case of every *.json in a directory (schema:
// test/fixtures/conformance/README.md, the public sample shipped in the repo) and reports failures and a
// closing `N passed, N failed` line.
// Usage: npx tsx scripts/conformance.ts <dir>   (npm run conformance -- <dir>)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluate } from '../src/policy/index';
import type { Decision, EvalRequest, PolicySource } from '../src/policy/index';

export type Expected = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface ConformanceCase {
  id: string;
  description?: string;
  request: {
    principal: Record<string, unknown> & { type: string };
    action: string;
    resource: string;
    resourceAccount?: string;
    context?: Record<string, string | string[]>;
  };
  policies: {
    identity?: unknown[];
    boundary?: unknown;
    scps?: unknown[][] | null;
    rcps?: unknown[][] | null;
    session?: unknown[] | null;
    resource?: unknown;
    // resourceAccountScps / principalAccountRcps are deliberately ignored: they must not apply.
  };
  expected: Expected;
}

export interface CaseResult {
  file: string;
  id: string;
  expected: Expected;
  got: Expected;
  decision: Decision;
  pass: boolean;
}

const toExpected: Record<Decision['decision'], Expected> = {
  allowed: 'Allow',
  explicitDeny: 'ExplicitDeny',
  implicitDeny: 'ImplicitDeny',
};

function src(id: string, doc: unknown): PolicySource {
  return { id, document: doc as object };
}

/** Converts one corpus case into the evaluator's request. */
export function caseToRequest(c: ConformanceCase): EvalRequest {
  const p = c.policies ?? {};
  return {
    principal: c.request.principal as EvalRequest['principal'],
    action: c.request.action,
    resource: c.request.resource,
    ...(c.request.resourceAccount ? { resourceAccount: c.request.resourceAccount } : {}),
    context: c.request.context ?? {},
    policies: {
      identity: (p.identity ?? []).map((d, i) => src(`identity[${i}]`, d)),
      boundary: p.boundary ? src('boundary', p.boundary) : null,
      scps: p.scps ? p.scps.map((level, l) => (level ?? []).map((d, i) => src(`scps[${l}][${i}]`, d))) : null,
      rcps: p.rcps ? p.rcps.map((level, l) => (level ?? []).map((d, i) => src(`rcps[${l}][${i}]`, d))) : null,
      session: p.session ? p.session.map((d, i) => src(`session[${i}]`, d)) : null,
      resource: p.resource ? src('resource', p.resource) : null,
    },
  };
}

export function loadCases(dir: string): { file: string; cases: ConformanceCase[] }[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((f) => {
    const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases?: ConformanceCase[] };
    return { file: f, cases: data.cases ?? [] };
  });
}

export function runConformance(dir: string): CaseResult[] {
  const out: CaseResult[] = [];
  for (const { file, cases } of loadCases(dir)) {
    for (const c of cases) {
      const decision = evaluate(caseToRequest(c));
      const got = toExpected[decision.decision];
      out.push({ file, id: c.id, expected: c.expected, got, decision, pass: got === c.expected });
    }
  }
  return out;
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: conformance <dir>');
    process.exit(2);
  }
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    console.error(`conformance: ${dir} is not a directory of *.json case files`);
    process.exit(2);
  }
  const results = runConformance(abs);
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    if (r.pass) {
      passed++;
      continue;
    }
    failed++;
    const cause = r.decision.cause ? `${r.decision.cause.kind}: ${r.decision.cause.phrase}` : '-';
    const notes = r.decision.notes.length ? ` notes: ${r.decision.notes.join(' | ')}` : '';
    console.log(`FAIL ${r.id} (${r.file}): expected ${r.expected}, got ${r.got} — ${cause}${notes}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
