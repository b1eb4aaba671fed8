// Owns what the authorizing S3 proxy keeps about an upstream's buckets (kept across reset, like the
// upstream's own data): the account that owns each bucket created through the proxy, and the bucket
// policies it keeps for upstreams without bucket-policy support (s3rver). Keyed by the upstream's URL.
export const migration017 = `
CREATE TABLE proxy_buckets (
  upstream     TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  owner        TEXT,
  local_policy TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (upstream, bucket)
);
`;
