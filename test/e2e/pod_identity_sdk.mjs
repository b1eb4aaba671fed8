// A pod-style process for pod-identity.test.ts: SDK v3's own container credential providers, configured
// by the environment only (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
// or AWS_CONTAINER_AUTHORIZATION_TOKEN for fromContainerMetadata, which reads no token file), then
// GetCallerIdentity and iam:GetRole with the credentials. Prints one JSON object.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromHttp, fromNodeProviderChain } from '@aws-sdk/credential-providers';

const providers = { fromHttp: () => fromHttp(), fromContainerMetadata: () => fromContainerMetadata(), chain: () => fromNodeProviderChain() };
try {
  const credentials = await providers[process.argv[2]]()();
  const region = 'us-east-1';
  const who = await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}));
  let getRole;
  try {
    await new IAMClient({ region, credentials }).send(new GetRoleCommand({ RoleName: 'payments-pods' }));
    getRole = 'ok';
  } catch (e) {
    getRole = e.name;
  }
  console.log(JSON.stringify({ arn: who.Arn, account: who.Account, accessKeyId: credentials.accessKeyId, accountId: credentials.accountId, expiration: credentials.expiration, getRole }));
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message }));
}
