# boto3/botocore for pod-identity.test.ts.
#   container   botocore's ContainerProvider configured by the environment only
#               (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE):
#               GetCallerIdentity and iam:GetRole with the credentials it fetched.
#   eks-auth    the boto3 `eks-auth` client (signed with the environment's static key): one
#               AssumeRoleForPodIdentity per {"cluster", "token"} read from stdin as a JSON list.
#   eks         the boto3 `eks` client: ListPodIdentityAssociations of the cluster named in argv[2].
# Prints one JSON value.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

cfg = Config(retries={"max_attempts": 1, "mode": "standard"})


def err(e):
    return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}


mode = sys.argv[1]
if mode == "container":
    try:
        creds = boto3.Session().get_credentials()
        who = boto3.client("sts", config=cfg).get_caller_identity()
        try:
            boto3.client("iam", config=cfg).get_role(RoleName="payments-pods")
            get_role = "ok"
        except ClientError as e:
            get_role = e.response["Error"]["Code"]
        print(json.dumps({"method": creds.method, "arn": who["Arn"], "getRole": get_role}))
    except Exception as e:  # the provider's own failure
        print(json.dumps({"error": type(e).__name__, "message": str(e)}))
elif mode == "eks-auth":
    client = boto3.client("eks-auth", config=cfg)
    out = []
    for case in json.load(sys.stdin):
        try:
            r = client.assume_role_for_pod_identity(clusterName=case["cluster"], token=case["token"])
            out.append({"subject": r["subject"], "audience": r["audience"], "association": r["podIdentityAssociation"],
                        "assumedRoleUser": r["assumedRoleUser"], "accessKeyId": r["credentials"]["accessKeyId"],
                        "secretAccessKey": r["credentials"]["secretAccessKey"], "sessionToken": r["credentials"]["sessionToken"],
                        "expiration": r["credentials"]["expiration"].isoformat()})
        except ClientError as e:
            out.append(err(e))
    print(json.dumps(out))
elif mode == "eks":
    r = boto3.client("eks", config=cfg).list_pod_identity_associations(clusterName=sys.argv[2])
    print(json.dumps(r["associations"]))
