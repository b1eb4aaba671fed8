# boto3 against a real iamlocal: AssumeRoleWithSAML with a response minted by the mock IdP, then the
# session's GetCallerIdentity, then a tampered response (argv: endpoint role_arn provider_arn good_file bad_file).
import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, role_arn, provider_arn, good_file, bad_file = sys.argv[1:6]
# AssumeRoleWithSAML is unsigned: no credentials are needed (botocore sends no Authorization).
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="unused", aws_secret_access_key="unused")
out = {}
res = sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=open(good_file).read().strip(), DurationSeconds=900)
out["assumed"] = res["AssumedRoleUser"]["Arn"]
out["fields"] = {k: res.get(k) for k in ("Subject", "SubjectType", "Issuer", "Audience", "NameQualifier")}
c = res["Credentials"]
session = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
out["caller"] = session.get_caller_identity()["Arn"]
try:
    sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=open(bad_file).read().strip())
    out["tampered"] = "accepted"
except ClientError as e:
    out["tampered"] = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
print(json.dumps(out))
