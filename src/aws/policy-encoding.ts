// Owns how IAM returns policy documents: percent-encoded per RFC 3986 (every byte except
// A-Za-z0-9-_.~ as %XX, spaces as %20, never +), so botocore's `unquote` + `json.loads` restore them
// exactly (aws-protocol §6.4). Also the whitespace-free size that policy quotas count.

export function encodePolicyDocument(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Size as IAM's quotas count it: characters with whitespace removed (reference_iam-quotas.html). */
export function policySize(doc: string): number {
  return doc.replace(/\s+/g, '').length;
}
