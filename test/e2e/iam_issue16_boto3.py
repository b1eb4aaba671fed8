"""boto3 against a real iamlocal (issue 16): Access Advisor reports from what the server authorized,
centralized root access with sts.assume_root, outbound identity federation with
sts.get_web_identity_token, and a temporary delegation request traded for credentials with
sts.get_delegated_access_token. Prints one JSON object for the vitest side to assert on."""
import json
import sys
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

endpoint = sys.argv[1]
creds = json.loads(sys.argv[2])
REGION = "us-east-1"
cfg = Config(retries={"max_attempts": 1})


def client(name, who=None, k=None, s=None, token=None):
    if who is not None:
        k, s = creds[who]["accessKeyId"], creds[who]["secretAccessKey"]
    return boto3.client(name, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=k, aws_secret_access_key=s, aws_session_token=token, config=cfg)


def err(fn):
    try:
        fn()
        return None
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"].get("Message")}


out = {}
MEMBER = "222222222222"

# ---------------------------------------------------------------- Access Advisor
dev_iam = client("iam", "dev")
dev_iam.list_roles()
admin_iam = client("iam", "admin")
job = admin_iam.generate_service_last_accessed_details(Arn="arn:aws:iam::111111111111:user/dev", Granularity="ACTION_LEVEL")["JobId"]
details = admin_iam.get_service_last_accessed_details(JobId=job)
out["advisor"] = {
    "status": details["JobStatus"],
    "type": details["JobType"],
    "services": [(s["ServiceNamespace"], s.get("TotalAuthenticatedEntities"), s.get("LastAuthenticatedEntity"), [a["ActionName"] for a in s.get("TrackedActionsLastAccessed", [])]) for s in details["ServicesLastAccessed"]],
}
ent = admin_iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
out["advisor_entities"] = [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"], "LastAuthenticated" in e) for e in ent["EntityDetailsList"]]
granting = admin_iam.list_policies_granting_service_access(Arn="arn:aws:iam::111111111111:user/dev", ServiceNamespaces=["iam", "ec2"])
out["granting"] = [(g["ServiceNamespace"], [(p["PolicyName"], p["PolicyType"], p.get("EntityType")) for p in g["Policies"]]) for g in granting["PoliciesGrantingServiceAccess"]]
out["advisor_missing"] = err(lambda: admin_iam.get_service_last_accessed_details(JobId="00000000-0000-4000-8000-000000000000"))

# ---------------------------------------------------------------- centralized root access
out["assume_root_before"] = err(lambda: client("sts", "admin").assume_root(TargetPrincipal=MEMBER, TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}))
admin_iam.enable_organizations_root_credentials_management()
features = admin_iam.enable_organizations_root_sessions()
out["features"] = sorted(features["EnabledFeatures"])
out["features_listed"] = sorted(admin_iam.list_organizations_features()["EnabledFeatures"])
root = client("sts", "admin").assume_root(TargetPrincipal=MEMBER, TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}, DurationSeconds=900)["Credentials"]
rk = dict(k=root["AccessKeyId"], s=root["SecretAccessKey"], token=root["SessionToken"])
out["root_identity"] = client("sts", **rk).get_caller_identity()["Arn"]
out["root_audit"] = "AccessKeyMetadata" in client("iam", **rk).list_access_keys()
out["root_create_user"] = err(lambda: client("iam", **rk).create_user(UserName="intruder"))

# ---------------------------------------------------------------- outbound identity federation
out["token_before"] = err(lambda: client("sts", "admin").get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="ES384"))
issuer = admin_iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
out["issuer"] = issuer
out["info"] = admin_iam.get_outbound_web_identity_federation_info()
out["info"].pop("ResponseMetadata")
tok = client("sts", "dev").get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="RS256", DurationSeconds=120, Tags=[{"Key": "job", "Value": "nightly"}])
out["token"] = tok["WebIdentityToken"]
out["token_expiration"] = tok["Expiration"].isoformat()
issuer_id = issuer.split("//")[1].split(".")[0]
for doc in ("openid-configuration", "jwks.json"):
    with urllib.request.urlopen(f"{endpoint}/_iamlocal/outbound/{issuer_id}/.well-known/{doc}") as r:
        out[doc] = json.loads(r.read())
out["enable_twice"] = err(lambda: admin_iam.enable_outbound_web_identity_federation())

# ---------------------------------------------------------------- temporary delegation
partner_iam = client("iam", "partner")
template = partner_iam.create_policy(PolicyName="onboarding", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}))["Policy"]["Arn"]
req = partner_iam.create_delegation_request(
    OwnerAccountId="111111111111", Description="Set up the integration", Permissions={"PolicyTemplateArn": template},
    RequestorWorkflowId="wf-e2e-1", NotificationChannel="arn:aws:sns:us-east-1:333333333333:deleg", SessionDuration=1800,
)
rid = req["DelegationRequestId"]
admin_iam.associate_delegation_request(DelegationRequestId=rid)
admin_iam.accept_delegation_request(DelegationRequestId=rid)
admin_iam.send_delegation_token(DelegationRequestId=rid)
dr = admin_iam.get_delegation_request(DelegationRequestId=rid)["DelegationRequest"]
out["delegation"] = {"state": dr["State"], "owner": dr["OwnerId"], "approver": dr["ApproverId"], "policy": json.loads(dr["PermissionPolicy"])}
summary = admin_iam.get_human_readable_summary(EntityArn=f"arn:aws:iam::111111111111:delegation-request/{rid}")
out["summary"] = {"state": summary["SummaryState"], "content": summary["SummaryContent"]}
print(json.dumps({"out": out, "delegation_request_id": rid}))
