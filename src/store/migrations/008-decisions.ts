// Owns the durable copy of the decision log (src/observe/decisions.ts), used when the server runs
// with a data dir and --decision-log-persist: one row per decision, the people-shaped record as JSON,
// with the columns the filters and Access Analyzer policy generation look up by.

export const migration008 = `
CREATE TABLE decisions (
  seq            INTEGER PRIMARY KEY,
  time           TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  principal_arn  TEXT,
  role_arn       TEXT,
  action         TEXT NOT NULL,
  decision       TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  simulated      INTEGER NOT NULL,
  record         TEXT NOT NULL
);
CREATE INDEX decisions_time ON decisions (time);
CREATE INDEX decisions_principal ON decisions (principal_arn, time);
CREATE INDEX decisions_role ON decisions (role_arn, time);
CREATE INDEX decisions_request ON decisions (request_id);
`;
