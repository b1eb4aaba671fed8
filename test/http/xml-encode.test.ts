// Success and error envelopes, byte for byte (aws-protocol.md §3.1–3.3).
import { describe, expect, it } from 'vitest';
import { awsError, awsErrors, ERROR_CODES, type AwsErrorCode } from '../../src/aws/errors';
import { encodeError, toAwsError } from '../../src/http/error-encode';
import { encodeSuccess, escapeXml, formatTimestamp, IAM_NAMESPACE, STS_NAMESPACE, xmlMap } from '../../src/http/xml-encode';

const RID = '0f6b8f6c-5a8e-4a41-9d5a-1c2f3e4d5a6b';

describe('encodeSuccess', () => {
  it('AssumeRole, as in the AWS example (timestamps without fractional seconds)', () => {
    const xml = encodeSuccess({
      action: 'AssumeRole',
      namespace: STS_NAMESPACE,
      requestId: RID,
      result: {
        SourceIdentity: 'Alice',
        AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/demo/s1', AssumedRoleId: 'AROA3XFRBF535PLBIFPI4:s1' },
        Credentials: {
          AccessKeyId: 'ASIARZPUZDIKGB2VALC4',
          SecretAccessKey: 'secret',
          SessionToken: 'tok',
          Expiration: new Date('2026-11-29T19:10:08.123Z'),
        },
        PackedPolicySize: 8,
        Absent: undefined,
        AlsoAbsent: null,
      },
    });
    expect(xml).toBe(
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
        '<SourceIdentity>Alice</SourceIdentity>' +
        '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s1</AssumedRoleId></AssumedRoleUser>' +
        '<Credentials><AccessKeyId>ASIARZPUZDIKGB2VALC4</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2026-11-29T19:10:08Z</Expiration></Credentials>' +
        '<PackedPolicySize>8</PackedPolicySize>' +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  });

  it('empty result element is always present (botocore needs {Op}Result)', () => {
    for (const result of [undefined, null, {}, { X: undefined }]) {
      expect(encodeSuccess({ action: 'UpdateRole', namespace: IAM_NAMESPACE, requestId: 'r', result })).toBe(
        '<UpdateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><UpdateRoleResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UpdateRoleResponse>',
      );
    }
  });

  it('omitResult reproduces AWS for operations without an output shape', () => {
    expect(encodeSuccess({ action: 'PutRolePolicy', namespace: IAM_NAMESPACE, requestId: 'r', omitResult: true })).toBe(
      '<PutRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutRolePolicyResponse>',
    );
  });

  it('lists as <member>, empty lists and structs self-closed, booleans lower-case, maps as entry/key/value', () => {
    const xml = encodeSuccess({
      action: 'X',
      namespace: IAM_NAMESPACE,
      requestId: 'r',
      result: {
        Roles: [{ RoleName: 'a', Tags: [] }, { RoleName: 'b', RoleLastUsed: {} }],
        Names: ['x', 'y'],
        Nested: [['p'], []],
        IsTruncated: false,
        Flag: true,
        Big: 12345678901234567890n,
        SummaryMap: xmlMap({ Users: 1, Roles: 2, Skip: undefined }),
        EmptyMap: xmlMap({}),
        Empty: '',
        Account: '000000000001',
      },
    });
    expect(xml).toContain(
      '<XResult><Roles><member><RoleName>a</RoleName><Tags/></member><member><RoleName>b</RoleName><RoleLastUsed/></member></Roles>' +
        '<Names><member>x</member><member>y</member></Names>' +
        '<Nested><member><member>p</member></member><member/></Nested>' +
        '<IsTruncated>false</IsTruncated><Flag>true</Flag><Big>12345678901234567890</Big>' +
        '<SummaryMap><entry><key>Users</key><value>1</value></entry><entry><key>Roles</key><value>2</value></entry></SummaryMap>' +
        '<EmptyMap/><Empty></Empty><Account>000000000001</Account></XResult>',
    );
  });

  it('escapes text and keeps CR; characters XML cannot carry become U+FFFD', () => {
    expect(escapeXml('a&b<c>d"e\'f')).toBe('a&amp;b&lt;c&gt;d"e\'f');
    expect(escapeXml('line\r\nnext\ttab')).toBe('line&#13;\nnext\ttab');
    expect(escapeXml('bad\u0000\u001f\uffff')).toBe('bad\ufffd\ufffd\ufffd');
    expect(escapeXml('plain ✓')).toBe('plain ✓');
  });

  it('blobs are base64, timestamps always second precision with Z', () => {
    expect(encodeSuccess({ action: 'GetCredentialReport', namespace: IAM_NAMESPACE, requestId: 'r', result: { Content: Buffer.from('a,b\n') } })).toContain(
      '<Content>YSxiCg==</Content>',
    );
    expect(formatTimestamp(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
    expect(() => formatTimestamp(new Date('nope'))).toThrow(TypeError);
  });

  it('refuses values it cannot represent (a bug, surfaced as ServiceFailure upstream)', () => {
    expect(() => encodeSuccess({ action: 'X', namespace: IAM_NAMESPACE, requestId: 'r', result: { N: Number.NaN } })).toThrow(TypeError);
    expect(() => encodeSuccess({ action: 'X', namespace: IAM_NAMESPACE, requestId: 'r', result: { F: () => 1 } })).toThrow(TypeError);
  });
});

describe('encodeError', () => {
  it('the verbatim STS InvalidClientTokenId response', () => {
    const out = encodeError(awsErrors.invalidClientTokenId(), '16fc956c-311e-4199-bee1-1680236e9698', STS_NAMESPACE);
    expect(out.status).toBe(403);
    expect(out.headers).toEqual({ 'content-type': 'text/xml', 'x-amzn-RequestId': '16fc956c-311e-4199-bee1-1680236e9698' });
    expect(out.body).toBe(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>' +
        '<Message>The security token included in the request is invalid</Message></Error>' +
        '<RequestId>16fc956c-311e-4199-bee1-1680236e9698</RequestId></ErrorResponse>',
    );
  });

  it('Receiver for 5xx, escaped message, extra headers kept', () => {
    const err = awsError('ServiceFailure', 'a <b> & c', { headers: { 'x-extra': '1' } });
    const out = encodeError(err, 'r', IAM_NAMESPACE);
    expect(out.status).toBe(500);
    expect(out.body).toContain('<Type>Receiver</Type><Code>ServiceFailure</Code><Message>a &lt;b&gt; &amp; c</Message>');
    expect(out.headers['x-extra']).toBe('1');
  });

  it('every code in the error table has an error status (4xx client, 5xx server), never a 2xx', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect([code, status >= 400 && status <= 599]).toEqual([code, true]);
      expect(encodeError(awsError(code as AwsErrorCode, 'm'), 'r', IAM_NAMESPACE).status).toBe(status);
    }
  });

  it('toAwsError keeps AwsErrors and hides anything else behind ServiceFailure', () => {
    const denied = awsErrors.accessDenied('no');
    expect(toAwsError(denied)).toBe(denied);
    const e = toAwsError(new Error('secret stack detail'));
    expect([e.code, e.status, e.message]).toEqual(['ServiceFailure', 500, 'Service failure']);
    expect(toAwsError('string').code).toBe('ServiceFailure');
  });
});
