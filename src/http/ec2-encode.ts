// Owns the EC2 flavour of the Query protocol on the wire: `<{Action}Response xmlns="…/2016-11-15/">`
// with `<requestId>` first and the output members directly inside (lowerCamel names, lists as
// `<item>`), and the error envelope `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html ;
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
import { AwsError, awsErrors } from '../aws/errors';
import { escapeXml, formatTimestamp } from './xml-encode';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
export const EC2_VERSION = '2016-11-15';

function element(out: string[], name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    const inner: string[] = [];
    for (const v of value) element(inner, 'item', v);
    out.push(inner.length === 0 ? `<${name}/>` : `<${name}>${inner.join('')}</${name}>`);
    return;
  }
  if (value instanceof Date) {
    out.push(`<${name}>${formatTimestamp(value)}</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    const inner: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) element(inner, k, v);
    out.push(inner.length === 0 ? `<${name}/>` : `<${name}>${inner.join('')}</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** The success body; `output` already uses EC2's wire names (`iamInstanceProfileAssociation`, `item` lists as arrays). */
export function encodeEc2Success(action: string, output: Record<string, unknown> | null | undefined, requestId: string): string {
  const out: string[] = [`<${action}Response xmlns="${EC2_NAMESPACE}">`, `<requestId>${escapeXml(requestId)}</requestId>`];
  for (const [k, v] of Object.entries(output ?? {})) element(out, k, v);
  out.push(`</${action}Response>`);
  return out.join('');
}

/**
 * EC2 answers an authorization failure with `UnauthorizedOperation`: "You are not authorized to perform
 * this operation." then the reason and "Encoded authorization failure message: …" (the held decision
 * sts:DecodeAuthorizationMessage reads; EC2 sends it in the message rather than a header).
 */
export function ec2Error(err: AwsError, encoded?: string): AwsError {
  if (err.code !== 'AccessDenied') return err;
  const reason = /[.!?]$/.test(err.message) ? err.message : `${err.message}.`;
  const message = `You are not authorized to perform this operation. ${reason}${encoded ? ` Encoded authorization failure message: ${encoded}` : ''}`;
  return awsErrors.ec2UnauthorizedOperation(message);
}

export function encodeEc2Error(e: AwsError, requestId: string, encodedAuthorizationMessage?: string): { status: number; body: string; headers: Record<string, string> } {
  const err = ec2Error(e, encodedAuthorizationMessage);
  const status = Number.isInteger(err.status) && err.status >= 300 && err.status <= 599 ? err.status : 500;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`;
  return { status, body, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': requestId } };
}
