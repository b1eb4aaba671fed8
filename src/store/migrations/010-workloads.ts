// Owns the mock workloads that receive role credentials the way AWS delivers them: EC2 instances
// (instance profile association, metadata options, VPC/IP facts the session carries) and ECS tasks
// (task role, cluster, the credentials id of the agent's /v2/credentials/<id> endpoint).
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html ;
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html

export const migration010 = `
CREATE TABLE ec2_instances (
  instance_id          TEXT PRIMARY KEY,      -- i-0123456789abcdef0
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  region               TEXT NOT NULL,
  availability_zone    TEXT NOT NULL,
  instance_type        TEXT NOT NULL,
  image_id             TEXT NOT NULL,
  vpc_id               TEXT,                  -- aws:EC2InstanceSourceVPC
  subnet_id            TEXT,
  private_ip           TEXT,                  -- aws:EC2InstanceSourcePrivateIPv4
  http_tokens          TEXT NOT NULL CHECK (http_tokens IN ('required','optional')),
  http_endpoint        TEXT NOT NULL CHECK (http_endpoint IN ('enabled','disabled')),
  hop_limit            INTEGER NOT NULL,
  metadata_tags        TEXT NOT NULL CHECK (metadata_tags IN ('enabled','disabled')),
  imds_port            INTEGER,               -- a listener of its own (0 = any free port); NULL = shared port only
  tags                 TEXT NOT NULL DEFAULT '[]',
  association_id       TEXT UNIQUE,           -- iip-assoc-…; NULL = no instance profile
  profile_arn          TEXT,
  association_state    TEXT,
  launch_time          TEXT NOT NULL
);
CREATE TABLE ecs_tasks (
  credentials_id       TEXT PRIMARY KEY,      -- the <id> of /v2/credentials/<id>
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  region               TEXT NOT NULL,
  cluster              TEXT NOT NULL,
  task_arn             TEXT NOT NULL UNIQUE,
  task_role_arn        TEXT NOT NULL,
  authorization_token  TEXT,                  -- AWS_CONTAINER_AUTHORIZATION_TOKEN the full-URI form must send
  created_at           TEXT NOT NULL
);
`;
