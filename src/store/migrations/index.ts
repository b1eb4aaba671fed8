// Owns the ordered list of schema migrations. Add a file `NNN-what.ts` exporting its SQL and append it
// here; never edit a migration that has shipped (data files outlive releases).
import { migration001 } from './001-initial';
import { migration002 } from './002-generations';
import { migration003 } from './003-sessions-token-index';
import { migration006 } from './006-eks-pod-identity';
import { migration007 } from './007-kind-clusters';
import { migration008 } from './008-decisions';
import { migration009 } from './009-access-analyzer';
import { migration010 } from './010-workloads';
import { migration011 } from './011-saml';
import { migration012 } from './012-account-settings';
import { migration013 } from './013-org-lifecycle';
import { migration014 } from './014-server-certificates';
import { migration015 } from './015-org-extensions';
import { migration016 } from './016-access-advisor-root-outbound';
import { migration017 } from './017-proxy-buckets';
import { migration018 } from './018-derived-session-credentials';
import { migration019 } from './019-sessions-kind-check';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, name: 'initial', sql: migration001 },
  { version: 2, name: 'generations', sql: migration002 },
  { version: 3, name: 'sessions-token-index', sql: migration003 },
  { version: 6, name: 'eks-pod-identity', sql: migration006 },
  { version: 7, name: 'kind-clusters', sql: migration007 },
  { version: 8, name: 'decisions', sql: migration008 },
  { version: 9, name: 'access-analyzer', sql: migration009 },
  { version: 10, name: 'workloads', sql: migration010 },
  { version: 11, name: 'saml', sql: migration011 },
  { version: 12, name: 'account-settings', sql: migration012 },
  { version: 13, name: 'org-lifecycle', sql: migration013 },
  { version: 14, name: 'server-certificates', sql: migration014 },
  { version: 15, name: 'org-extensions', sql: migration015 },
  { version: 16, name: 'access-advisor-root-outbound', sql: migration016 },
  { version: 17, name: 'proxy-buckets', sql: migration017 },
  { version: 18, name: 'derived-session-credentials', sql: migration018 },
  { version: 19, name: 'sessions-kind-check', sql: migration019 },
];
