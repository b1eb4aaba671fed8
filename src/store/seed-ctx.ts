// Owns the shape of the per-entry reader that seed section parsers receive (implemented by Ctx in
// seed-schema.ts), so section modules (seed-workloads.ts, …) need not import the schema itself.
type Obj = Record<string, unknown>;

export interface SeedEntryContext {
  readonly source: string;
  readonly where: string;
  fail(problem: string): never;
  str(o: Obj, key: string, opts?: { required?: boolean; re?: RegExp; max?: number; min?: number }): string | null;
  tags(o: Obj, key?: string): { Key: string; Value: string }[];
}
