// Wire fidelity against AWS's own service models (botocore service-2.json for IAM, STS, Organizations),
// the checks of scripts/check-models.ts: every operation we answer exists in the model, rejects each
// missing required member and every violated model constraint with AWS's error, answers a happy-path call
// with members and types of the model's output shape only, and fails only with errors it models.
// Skipped (with a message) when python3 or botocore is not installed.
import { describe, expect, it } from 'vitest';
import { checkErrorResponse, checkModels, checkResponse, loadModels, type Finding, type ModelReport, type Models } from '../../scripts/check-models';

const models = loadModels();
if (!models) console.warn('model-conformance: skipped — python3 with botocore is needed to read the AWS service models (pip install botocore)');

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const META = '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>';
const getRole = (role: string) => `<GetRoleResponse xmlns="${NS}"><GetRoleResult><Role>${role}</Role></GetRoleResult>${META}</GetRoleResponse>`;
const ROLE = '<Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLEEXAMPLE01</RoleId><Arn>arn:aws:iam::000000000000:role/r</Arn><CreateDate>2026-11-29T12:00:00Z</CreateDate>';

function findingsOf(m: Models, service: 'iam' | 'sts' | 'organizations', op: string, body: string): string[] {
  const out: Finding[] = [];
  checkResponse(m, service, op, body, out);
  return out.map((f) => `${f.kind}: ${f.message}`);
}

describe.skipIf(!models)('botocore models', () => {
  const m = models!;
  let report: ModelReport;

  it('the whole check: operations exist, required members are enforced, every happy-path answer fits its output shape', async () => {
    report = await checkModels(m);
    const lines = report.findings.map((f) => `${f.kind} ${f.service}:${f.operation} — ${f.message}`);
    expect(lines).toEqual([]);
    expect(report.exercised).toEqual(report.implemented);
    expect(report.requiredMembersChecked).toBeGreaterThan(150);
    expect(report.constraintsChecked).toBeGreaterThan(500);
    expect(report.errorsChecked).toBeGreaterThan(100);
  }, 120_000);

  it('the operations we do not implement are only ones we know about (InvalidAction)', () => {
    // A new model operation shows up here first; deciding to implement it or not is then explicit.
    // Every STS and IAM operation of the models is answered (issue 16).
    expect(report.notImplemented.sts).toEqual([]);
    expect(report.notImplemented.iam).toEqual([]);
    expect(report.implemented.iam).toBe(Object.keys(m.iam.operations).length);
  });

  describe('the checker itself catches what it claims to', () => {
    it('accepts a well-formed answer', () => {
      expect(findingsOf(m, 'iam', 'GetRole', getRole(ROLE + '<MaxSessionDuration>3600</MaxSessionDuration><RoleLastUsed/>'))).toEqual([]);
    });

    it('an unknown member, a missing required member', () => {
      expect(findingsOf(m, 'iam', 'GetRole', getRole(ROLE.replace(/<RoleId>[^<]*<\/RoleId>/, '') + '<Bogus>x</Bogus>'))).toEqual([
        expect.stringMatching(/^output: GetRoleResult\.Role\.Bogus: not a member of Role/),
        'output: GetRoleResult.Role.RoleId: required member of Role is missing',
      ]);
    });

    it('integers, booleans and timestamps in the wrong form', () => {
      const body = getRole(ROLE.replace('2026-11-29T12:00:00Z', '2026-11-29T12:00:00.000') + '<MaxSessionDuration>one hour</MaxSessionDuration>');
      expect(findingsOf(m, 'iam', 'GetRole', body)).toEqual([
        'output: GetRoleResult.Role.CreateDate: timestamp "2026-11-29T12:00:00.000" is not YYYY-MM-DDTHH:MM:SSZ',
        'output: GetRoleResult.Role.MaxSessionDuration: integer "one hour" is not a decimal integer',
      ]);
      const list = `<ListRolesResponse xmlns="${NS}"><ListRolesResult><Roles/><IsTruncated>True</IsTruncated></ListRolesResult>${META}</ListRolesResponse>`;
      expect(findingsOf(m, 'iam', 'ListRoles', list)).toEqual(['output: ListRolesResult.IsTruncated: boolean "True" is not true/false']);
    });

    it('pagination: Marker exactly when IsTruncated is true', () => {
      const list = (inner: string) => `<ListRolesResponse xmlns="${NS}"><ListRolesResult><Roles/>${inner}</ListRolesResult>${META}</ListRolesResponse>`;
      expect(findingsOf(m, 'iam', 'ListRoles', list('<IsTruncated>false</IsTruncated><Marker>m</Marker>'))).toEqual([
        'output: ListRolesResult.Marker: Marker sent although IsTruncated is not true',
      ]);
      expect(findingsOf(m, 'iam', 'ListRoles', list('<IsTruncated>true</IsTruncated>'))).toEqual(['output: ListRolesResult.Marker: IsTruncated is true but no Marker']);
    });

    it('lists must use <member>; enums hold model values (PermissionsBoundaryType "Policy" is AWS\'s own)', () => {
      const body = getRole(`${ROLE}<Tags><item><Key>k</Key><Value>v</Value></item></Tags><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType></PermissionsBoundary>`);
      expect(findingsOf(m, 'iam', 'GetRole', body)).toEqual(['output: GetRoleResult.Role.Tags.item: list item must be <member> (SDK v3 reads only <member>)']);
      const wrongEnum = getRole(`${ROLE}<PermissionsBoundary><PermissionsBoundaryType>Boundary</PermissionsBoundaryType></PermissionsBoundary>`);
      expect(findingsOf(m, 'iam', 'GetRole', wrongEnum)).toEqual([expect.stringMatching(/PermissionsBoundaryType: value "Boundary" is not in the model's enum/)]);
    });

    it('the envelope: Result wrapper required for output shapes, absent otherwise', () => {
      expect(findingsOf(m, 'iam', 'GetRole', `<GetRoleResponse xmlns="${NS}">${META}</GetRoleResponse>`)).toEqual([
        'envelope: no <GetRoleResult> although the model has output GetRoleResponse',
      ]);
      expect(findingsOf(m, 'iam', 'DeleteRole', `<DeleteRoleResponse xmlns="${NS}"><DeleteRoleResult/>${META}</DeleteRoleResponse>`)).toEqual([
        'envelope: <DeleteRoleResult> sent for an operation the model gives no output shape (AWS sends ResponseMetadata only)',
      ]);
    });

    it('errors: a code the operation does not model, or the model\'s code with another status', () => {
      const err = (code: string) => `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
      const out: Finding[] = [];
      checkErrorResponse(m, 'iam', 'GetRole', 404, err('NoSuchEntity'), out);
      checkErrorResponse(m, 'iam', 'GetRole', 400, err('ValidationError'), out);
      expect(out).toEqual([]);
      checkErrorResponse(m, 'iam', 'GetRole', 409, err('EntityAlreadyExists'), out);
      checkErrorResponse(m, 'iam', 'GetRole', 400, err('NoSuchEntity'), out);
      expect(out.map((f) => f.message)).toEqual([
        'EntityAlreadyExists (HTTP 409) is neither modeled for GetRole [NoSuchEntity, ServiceFailure] nor a common error',
        'NoSuchEntity: HTTP 400, the model says 404',
      ]);
    });

    it('JSON 1.1: timestamps are epoch seconds, unknown members are flagged', () => {
      const body = JSON.stringify({ Account: { Id: '000000000000', JoinedTimestamp: '2026-11-29T12:00:00Z', Extra: 1 } });
      expect(findingsOf(m, 'organizations', 'DescribeAccount', body)).toEqual([
        'output: DescribeAccount.Account.JoinedTimestamp: timestamp Timestamp is string (JSON 1.1 sends epoch seconds)',
        expect.stringMatching(/^output: DescribeAccount\.Account\.Extra: not a member of Account/),
      ]);
    });
  });
});
