// Owns how e2e tests read an AWS SDK v3 failure: the error's name, message and HTTP status.
// SDK v3 names modeled errors `{Code}Exception` (LimitExceeded → LimitExceededException); unmodeled ones keep the code.

/** The rejection of `p` as { name, message, status }; throws when `p` resolves. */
export async function error(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
}
