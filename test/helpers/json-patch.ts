// Owns applying an RFC 6902 JSON Patch the way the API server applies a mutating webhook's patch
// (the "add" and "replace" operations a pod identity webhook emits), for comparing patched pods.
type Json = any;

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`bad JSON pointer ${path}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyJsonPatch(doc: Json, ops: { op: string; path: string; value?: Json }[]): Json {
  const out = structuredClone(doc);
  for (const op of ops) {
    const keys = pointer(op.path);
    const last = keys.pop()!;
    let parent = out;
    for (const k of keys) {
      parent = Array.isArray(parent) ? parent[Number(k)] : parent?.[k];
      if (parent === undefined || parent === null) throw new Error(`${op.op} ${op.path}: missing parent`);
    }
    if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(parent)) {
        const i = last === '-' ? parent.length : Number(last);
        if (!(i >= 0 && i <= parent.length)) throw new Error(`${op.op} ${op.path}: index out of range`);
        if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value));
        else parent[i] = structuredClone(op.value);
      } else {
        if (op.op === 'replace' && !(last in parent)) throw new Error(`replace ${op.path}: no such member`);
        parent[last] = structuredClone(op.value);
      }
    } else throw new Error(`unsupported op ${op.op}`);
  }
  return out;
}
