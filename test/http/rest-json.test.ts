// The restJson1 wire layer (EKS, EKS Auth, Access Analyzer): URI-template routing, input from labels,
// query and body, and the success/error envelopes SDK v3 and botocore read.
import { describe, expect, it } from 'vitest';
import { awsError, awsErrors } from '../../src/aws/errors';
import { decodeRestBody, encodeRestJsonError, encodeRestJsonSuccess, restInput, RestRouter, signingNameOf } from '../../src/http/rest-json';

describe('routing by method and URI template', () => {
  const r = new RestRouter<string>();
  r.add({ method: 'GET', path: '/clusters' }, 'ListClusters');
  r.add({ method: 'POST', path: '/clusters' }, 'CreateCluster');
  r.add({ method: 'GET', path: '/clusters/{name}' }, 'DescribeCluster');
  r.add({ method: 'GET', path: '/clusters/{clusterName}/pod-identity-associations/{associationId}' }, 'DescribePodIdentityAssociation');
  r.add({ method: 'GET', path: '/tags/{resourceArn+}' }, 'ListTagsForResource');

  it.each([
    ['GET', '/clusters', 'ListClusters', {}],
    ['POST', '/clusters', 'CreateCluster', {}],
    ['GET', '/clusters/', 'ListClusters', {}],
    ['GET', '/clusters/my%20cluster', 'DescribeCluster', { name: 'my cluster' }],
    ['GET', '/clusters/c1/pod-identity-associations/a-123', 'DescribePodIdentityAssociation', { clusterName: 'c1', associationId: 'a-123' }],
    ['GET', '/tags/arn%3Aaws%3Aeks%3Aus-east-1%3A000000000000%3Acluster%2Fc1', 'ListTagsForResource', { resourceArn: 'arn:aws:eks:us-east-1:000000000000:cluster/c1' }],
    ['GET', '/tags/arn:aws:eks:us-east-1:000000000000:cluster/c1', 'ListTagsForResource', { resourceArn: 'arn:aws:eks:us-east-1:000000000000:cluster/c1' }],
  ])('%s %s → %s', (method, path, op, labels) => {
    const m = r.match(method, path);
    expect(m && !('methodMismatch' in m) ? [m.value, m.labels] : m).toEqual([op, labels]);
  });

  it('a known path under another method is told apart from an unknown path', () => {
    expect(r.match('DELETE', '/clusters')).toEqual({ methodMismatch: true });
    expect(r.match('GET', '/nodegroups')).toBeNull();
    expect(r.match('GET', '/clusters/a/b')).toBeNull();
  });
});

describe('input from labels, query and body', () => {
  it('labels win over body members; declared query members only; lists stay lists', () => {
    const input = restInput(
      { method: 'GET', path: '/clusters/{name}', query: { maxResults: 'maxResults', include: 'include' }, queryLists: ['include'] },
      { name: 'from-path' },
      'maxResults=5&include=a&include=b&undeclared=x',
      Buffer.from('{"name":"from-body","other":1}'),
    );
    expect(input).toEqual({ name: 'from-path', other: 1, maxResults: '5', include: ['a', 'b'] });
  });

  it.each(['[1]', '"s"', 'null', '{'])('a body that is not a JSON object (%s) is SerializationException', (body) => {
    expect(() => decodeRestBody(Buffer.from(body))).toThrow(expect.objectContaining({ code: 'SerializationException', status: 400 }));
  });

  it('an empty body is no members', () => {
    expect(decodeRestBody(Buffer.alloc(0))).toEqual({});
  });
});

describe('envelopes', () => {
  it('success: JSON with epoch-second timestamps, the binding status, 204 without a body', () => {
    const ok = encodeRestJsonSuccess({ createdAt: new Date(1_700_000_000_500), gone: undefined }, 'r1');
    expect([ok.status, JSON.parse(ok.body), ok.headers['content-type'], ok.headers['x-amzn-RequestId']]).toEqual([200, { createdAt: 1_700_000_000.5 }, 'application/json', 'r1']);
    expect(encodeRestJsonSuccess(undefined, 'r', 204)).toMatchObject({ status: 204, body: '' });
  });

  it.each([
    [awsErrors.accessDenied('User: x is not authorized'), 403, 'AccessDeniedException', 'User: x is not authorized'],
    [awsErrors.missingAuthenticationToken(), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'],
    [awsErrors.invalidClientTokenId(), 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'],
    [awsErrors.serviceFailure(), 500, 'InternalFailure', 'We encountered an internal error. Please try again.'],
    [awsError('UnknownOperationException', 'x'), 404, 'UnknownOperationException', 'Not Found'],
  ])('pipeline error → restJson1 %#', (err, status, code, message) => {
    const e = encodeRestJsonError(err, 'r');
    expect([e.status, e.headers['x-amzn-ErrorType'], JSON.parse(e.body)]).toEqual([status, code, { message }]);
  });

  it('a service error keeps its own code, status and extra members', () => {
    const e = encodeRestJsonError(awsError('InvalidInputException', 'bad', { fields: { Reason: 'R' } }), 'r');
    expect([e.status, e.headers['x-amzn-ErrorType'], JSON.parse(e.body)]).toEqual([400, 'InvalidInputException', { message: 'bad', Reason: 'R' }]);
  });
});

describe('signing name without verifying', () => {
  it.each([
    ['AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=ab', '', 'eks'],
    ['AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/access-analyzer/aws4_request, SignedHeaders=host, Signature=ab', '', 'access-analyzer'],
    [undefined, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261203%2Fus-east-1%2Feks-auth%2Faws4_request&X-Amz-Signature=ab', 'eks-auth'],
    [undefined, '', undefined],
    ['garbage', 'a=b', undefined],
  ])('%s %s → %s', (auth, query, name) => {
    expect(signingNameOf(auth, query)).toBe(name);
  });
});
