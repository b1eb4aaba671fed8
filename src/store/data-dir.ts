// Owns checking the data directory before SQLite opens it: a directory iamlocal cannot create or write
// (a bind mount owned by another user, an image run under an arbitrary UID) stops start-up with one line
// naming the directory, the UID/GID iamlocal runs as and the fix, instead of SQLite's
// "unable to open database file".
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export interface ProcessIdentity {
  uid?: number;
  gid?: number;
}

function whoami(id: ProcessIdentity): string {
  return id.uid === undefined ? 'this user' : `UID ${id.uid}${id.gid === undefined ? '' : ` (GID ${id.gid})`}`;
}

/** Creates `dir` if missing and proves it (and `file` in it, when present) writable; throws DataDirError with the fix otherwise. */
export function ensureWritableDataDir(dir: string, file: string | null = null, id: ProcessIdentity = { uid: process.getuid?.(), gid: process.getgid?.() }): void {
  const abs = resolve(dir);
  const fix = `make it writable for ${whoami(id)}${id.uid === undefined ? '' : ` (e.g. chown ${id.uid} ${abs}, or chgrp 0 ${abs} && chmod g+rwx ${abs})`}, mount a writable volume there, pass --data DIR, or run with --in-memory`;
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new DataDirError(`data directory ${abs} cannot be created by ${whoami(id)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${fix}`);
  }
  try {
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new DataDirError(`data directory ${abs} is not writable by ${whoami(id)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${fix}`);
  }
  if (file && existsSync(join(abs, file))) {
    try {
      accessSync(join(abs, file), constants.R_OK | constants.W_OK);
    } catch (e) {
      throw new DataDirError(`data file ${join(abs, file)} is not writable by ${whoami(id)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${fix}`);
    }
  }
}
