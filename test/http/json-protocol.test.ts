// The AWS JSON 1.1 wire layer: request recognition, X-Amz-Target parsing, body decoding, result
// encoding (epoch-second timestamps, dropped undefined members) and the error envelope — checked
// against what SDK v3's AwsJson1_1Protocol and botocore read (code from x-amzn-ErrorType / __type,
// Message, extra members such as Reason).
import { describe, expect, it } from 'vitest';
import { AwsError, awsError, awsErrors } from '../../src/aws/errors';
import { decodeJsonBody, encodeJsonError, encodeJsonSuccess, isJsonRequest, parseTarget, toJsonValue } from '../../src/http/json-protocol';

describe('recognising a JSON 1.1 request', () => {
  it.each([
    ['AWSOrganizationsV20161128.ListAccounts', 'application/x-amz-json-1.1', true],
    ['AWSOrganizationsV20161128.ListAccounts', undefined, true],
    [undefined, 'application/x-amz-json-1.1', true],
    [undefined, 'Application/X-Amz-Json-1.0; charset=utf-8', true],
    [undefined, 'application/x-www-form-urlencoded; charset=utf-8', false],
    [undefined, undefined, false],
    ['', 'text/xml', false],
  ])('target %j, content-type %j → %j', (target, ct, expected) => {
    expect(isJsonRequest(target, ct)).toBe(expected);
  });

  it.each([
    ['AWSOrganizationsV20161128.ListAccounts', { prefix: 'AWSOrganizationsV20161128', operation: 'ListAccounts' }],
    ['DynamoDB_20120810.GetItem', { prefix: 'DynamoDB_20120810', operation: 'GetItem' }],
    ['NoDot', null],
    ['.Leading', null],
    ['Trailing.', null],
    [undefined, null],
  ])('parseTarget(%j)', (target, expected) => {
    expect(parseTarget(target)).toEqual(expected);
  });
});

describe('decodeJsonBody', () => {
  it('an empty body is {} and an object is itself', () => {
    expect(decodeJsonBody(Buffer.alloc(0))).toEqual({});
    expect(decodeJsonBody(Buffer.from(' {"MaxResults": 5} '))).toEqual({ MaxResults: 5 });
  });

  it.each(['{', '[]', '"s"', '42', 'null'])('%j is SerializationException 400', (text) => {
    let err: AwsError | undefined;
    try {
      decodeJsonBody(Buffer.from(text));
    } catch (e) {
      err = e as AwsError;
    }
    expect(err).toBeInstanceOf(AwsError);
    expect({ code: err!.code, status: err!.status }).toEqual({ code: 'SerializationException', status: 400 });
  });
});

describe('results', () => {
  it('Dates become epoch seconds (milliseconds kept as the fraction); undefined members disappear', () => {
    const out = toJsonValue({ A: new Date('2026-11-29T12:00:00.250Z'), B: undefined, C: [{ D: new Date(0), E: undefined }], F: null, G: false });
    expect(out).toEqual({ A: 1795953600.25, C: [{ D: 0 }], F: null, G: false });
  });

  it('no output is {} with the JSON 1.1 content type and the request id header', () => {
    expect(encodeJsonSuccess(undefined, 'req-1')).toEqual({ body: '{}', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' } });
  });
});

describe('errors', () => {
  it('__type, Message and extra members in the body; the code in x-amzn-ErrorType', () => {
    const e = encodeJsonError(awsError('InvalidInputException', 'You provided a value that does not match the required pattern.', { fields: { Reason: 'INVALID_PATTERN' } }), 'req-2');
    expect(e.status).toBe(400);
    expect(JSON.parse(e.body)).toEqual({ __type: 'InvalidInputException', Message: 'You provided a value that does not match the required pattern.', Reason: 'INVALID_PATTERN' });
    expect(e.headers).toMatchObject({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-2', 'x-amzn-ErrorType': 'InvalidInputException' });
  });

  // The shared stages speak awsQuery's vocabulary; JSON services name and status these differently.
  it.each([
    [awsErrors.accessDenied('User: x is not authorized'), 'AccessDeniedException', 400, 'User: x is not authorized'],
    [awsErrors.missingAuthenticationToken(), 'MissingAuthenticationTokenException', 400, 'Missing Authentication Token'],
    [awsErrors.invalidClientTokenId(), 'UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
    [awsErrors.signatureDoesNotMatch(), 'InvalidSignatureException', 400, awsErrors.signatureDoesNotMatch().message],
    [awsErrors.expiredToken(), 'ExpiredTokenException', 400, 'The security token included in the request is expired'],
    [awsErrors.incompleteSignature('bad header'), 'IncompleteSignatureException', 400, 'bad header'],
    [awsErrors.serviceFailure(), 'ServiceException', 500, "AWS Organizations can't complete your request because of an internal service error. Try again later."],
  ])('%s → %s %i', (err, code, status, message) => {
    const e = encodeJsonError(err, 'r');
    expect({ status: e.status, body: JSON.parse(e.body), type: e.headers['x-amzn-ErrorType'] }).toEqual({ status, body: { __type: code, Message: message }, type: code });
  });

  it('headers an error carries (x-amzn-AuthorizationMessage hints) are kept', () => {
    const e = encodeJsonError(awsError('AccessDenied', 'no', { headers: { 'x-extra': '1' } }), 'r');
    expect(e.headers['x-extra']).toBe('1');
  });
});
