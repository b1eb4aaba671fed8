// Owns change counters ("generations") that SQLite itself bumps whenever data a cache depends on
// changes, whichever code path writes it. `org`: anything in Organizations (placement, OUs, SCPs/RCPs,
// attachments). Readers compare the counter before trusting a cached value (src/authz/org-memo.ts).

const ORG_TABLES = ['organizations', 'org_units', 'org_accounts', 'org_policies', 'org_policy_attachments'];

const triggers = ORG_TABLES.flatMap((t) =>
  ['INSERT', 'UPDATE', 'DELETE'].map(
    (ev) => `CREATE TRIGGER ${t}_${ev.toLowerCase()}_gen AFTER ${ev} ON ${t} BEGIN UPDATE generations SET value = value + 1 WHERE name = 'org'; END;`,
  ),
).join('\n');

export const migration002 = `
CREATE TABLE generations (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO generations (name, value) VALUES ('org', 1);
${triggers}
`;
