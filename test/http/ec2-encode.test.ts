// EC2's Query flavour on the wire: `<{Action}Response>` with `<requestId>` first, members directly inside,
// lists as `<item>`; errors in `<Response><Errors><Error>` with AccessDenied as UnauthorizedOperation.
import { describe, expect, it } from 'vitest';
import { awsErrors } from '../../src/aws/errors';
import { EC2_NAMESPACE, encodeEc2Error, encodeEc2Success } from '../../src/http/ec2-encode';

describe('EC2 success envelope', () => {
  it('requestId first, nested structures, lists as item, empty lists self-closed, absent members omitted', () => {
    const body = encodeEc2Success(
      'DescribeIamInstanceProfileAssociations',
      { iamInstanceProfileAssociationSet: [{ associationId: 'iip-assoc-1', iamInstanceProfile: { arn: 'arn:aws:iam::1:instance-profile/a&b', id: undefined } }], groupSet: [], nextToken: undefined },
      'req-1',
    );
    expect(body).toBe(
      `<DescribeIamInstanceProfileAssociationsResponse xmlns="${EC2_NAMESPACE}"><requestId>req-1</requestId>` +
        '<iamInstanceProfileAssociationSet><item><associationId>iip-assoc-1</associationId><iamInstanceProfile><arn>arn:aws:iam::1:instance-profile/a&amp;b</arn></iamInstanceProfile></item></iamInstanceProfileAssociationSet>' +
        '<groupSet/></DescribeIamInstanceProfileAssociationsResponse>',
    );
  });

  it('timestamps in seconds precision', () => {
    expect(encodeEc2Success('X', { launchTime: new Date('2026-11-29T12:00:00.123Z') }, 'r')).toContain('<launchTime>2026-11-29T12:00:00Z</launchTime>');
  });
});

describe('EC2 error envelope', () => {
  it('code and message in Response/Errors/Error with RequestID, the code\'s status', () => {
    const e = encodeEc2Error(awsErrors.ec2InstanceNotFound('i-0123456789abcdef0'), 'req-2');
    expect(e.status).toBe(400);
    expect(e.body).toContain("<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-0123456789abcdef0' does not exist</Message></Error></Errors><RequestID>req-2</RequestID></Response>");
    expect(encodeEc2Error(awsErrors.ec2DryRunOperation(), 'r').status).toBe(412);
  });

  it('AccessDenied becomes UnauthorizedOperation 403 with the encoded authorization message', () => {
    const denied = awsErrors.accessDenied('User: arn:aws:iam::000000000000:user/u is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action');
    const e = encodeEc2Error(denied, 'r', 'ENCODED');
    expect(e.status).toBe(403);
    expect(e.body).toContain(
      '<Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:iam::000000000000:user/u is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action. Encoded authorization failure message: ENCODED</Message>',
    );
  });
});
