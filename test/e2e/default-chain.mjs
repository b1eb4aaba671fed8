// The SDK v3 default credential chain (fromNodeProviderChain) in a process whose environment holds
// nothing but what a workload has: the metadata endpoint (or container credentials URI), the STS
// endpoint and a region. Prints {arn, accessKeyId} or {error}.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

try {
  const credentials = fromNodeProviderChain();
  const creds = await credentials();
  const sts = new STSClient({ credentials, maxAttempts: 1 });
  const who = await sts.send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify({ arn: who.Arn, accessKeyId: creds.accessKeyId }));
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message }));
}
