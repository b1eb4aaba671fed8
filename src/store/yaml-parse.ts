// Owns the YAML parser seeds are read with, as a module of its own: seed-load.ts imports it with
// `await import()` (a chunk of its own in dist/), so a server started without YAML seeds never loads it.
//
// js-yaml (YAML 1.2, core schema: no timestamps, no `<<` merge, no custom tags) rather than the `yaml`
// package: on a cold process it compiles and parses the shipped seeds ~4× faster, which is most of what a
// seeded start spent on its seeds (bench/README.md, "Issue 18, fifth pass"). The limits below are ours:
// js-yaml resolves an alias to the same object as its anchor and bounds only the number of alias nodes,
// so nested aliases ("billion laughs") would expand without limit in whatever walks the value next.
import { loadAll } from 'js-yaml';

/** Nodes that aliases may add to a document beyond what its text spells out (the text bounds the rest). */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * The value of a single-document YAML text (null for an empty one, as `JSON.parse` of "null"), or an
 * Error naming the problem: a syntax error with line and column, more than one document, an alias
 * that contains itself, or aliases expanding to more than MAX_ALIAS_EXPANSION extra nodes.
 */
export function parseYaml(text: string): unknown {
  const docs = loadAll(text);
  if (docs.length > 1) throw new Error(`the file holds ${docs.length} YAML documents (separated by ---); a seed file holds one`);
  const value = docs.length ? docs[0] : null;
  checkExpansion(value, text.length + MAX_ALIAS_EXPANSION);
  return value;
}

/**
 * Walks the value as a consumer would (every alias expanded), counting nodes: throws when the count
 * passes `limit` or a node is reached again inside itself. Without aliases a document has at most one
 * node per character of its text, so `text.length + MAX_ALIAS_EXPANSION` never refuses a plain one.
 */
function checkExpansion(root: unknown, limit: number): void {
  let nodes = 0;
  const path = new Set<object>();
  // Iterative (aliases can nest deeper than the call stack): an entry is a node to enter, or the
  // collection to leave once its children are done.
  const stack: { v: unknown; leave?: true }[] = [{ v: root }];
  while (stack.length) {
    const { v, leave } = stack.pop()!;
    if (leave) {
      path.delete(v as object);
      continue;
    }
    if (++nodes > limit) throw new Error(`aliases expand the document to more than ${limit} nodes (at most ${MAX_ALIAS_EXPANSION} beyond its text)`);
    if (v === null || typeof v !== 'object') continue;
    if (path.has(v)) throw new Error('an alias refers to a collection that contains it (a cycle)');
    path.add(v);
    stack.push({ v, leave: true });
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child });
  }
}
