// Owns the ordered list of schema migrations. Add a file `NNN-what.ts` exporting its SQL and append it
// here; never edit a migration that has shipped (data files outlive releases).
import { migration001 } from './001-initial';
import { migration002 } from './002-generations';
import { migration003 } from './003-sessions-token-index';
import { migration008 } from './008-decisions';
import { migration010 } from './010-workloads';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, name: 'initial', sql: migration001 },
  { version: 2, name: 'generations', sql: migration002 },
  { version: 3, name: 'sessions-token-index', sql: migration003 },
  { version: 8, name: 'decisions', sql: migration008 },
  { version: 10, name: 'workloads', sql: migration010 },
];
