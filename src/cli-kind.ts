export async function runKind(_argv: string[]): Promise<number> { return 2; }
