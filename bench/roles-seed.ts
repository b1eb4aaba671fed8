// Owns the seed file of the cold-start-with-a-big-data-dir measurement: `n` roles, each with a trust
// policy and an inline policy, as a team's long-lived data dir might hold.
export function makeRolesSeed(n: number): string {
  const lines = ['roles:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - name: bench-many-${i}`,
      '    trustPolicy:',
      '      Version: "2012-10-17"',
      '      Statement:',
      '        - Effect: Allow',
      '          Principal: { AWS: "arn:aws:iam::000000000000:root" }',
      '          Action: sts:AssumeRole',
      '    inlinePolicies:',
      '      read:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Action: s3:GetObject',
      `            Resource: arn:aws:s3:::bench-${i}/*`,
    );
  }
  return lines.join('\n') + '\n';
}
