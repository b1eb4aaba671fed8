"""boto3 against a real iamlocal: IAM Access Analyzer findings, archive rules, the organization zone
of trust, authorization, and the policy-generation acceptance flow (a role with AdministratorAccess
runs a workload; the generated policy replaces AdministratorAccess; the workload still passes and an
action it never called is denied). Prints one JSON object for the vitest side to assert on."""
import json
import sys
import time
from datetime import datetime, timedelta, timezone

import boto3
import botocore.exceptions
from botocore.config import Config

endpoint, key, secret, nobody_key, nobody_secret = sys.argv[1:6]
REGION = "us-east-1"
cfg = Config(retries={"max_attempts": 1})


def client(name, k=key, s=secret, token=None):
    return boto3.client(name, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=k, aws_secret_access_key=s, aws_session_token=token, config=cfg)


def err(fn):
    try:
        fn()
        return None
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"].get("Message"), "reason": e.response.get("reason")}


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


out = {}
iam = client("iam")
aa = client("accessanalyzer")
ACCOUNT = "000000000000"

# ---------------------------------------------------------------- findings, archive rules, org zone
iam.create_role(RoleName="partner-role", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::222222222222:root"}))
iam.create_role(RoleName="org-member-role", AssumeRolePolicyDocument=trust({"AWS": "111111111111"}))
iam.create_role(
    RoleName="irsa-role",
    AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:default:app"}},
    }]}),
)
account_arn = aa.create_analyzer(analyzerName="acct", type="ACCOUNT", tags={"team": "sec"})["arn"]
org_arn = aa.create_analyzer(analyzerName="org", type="ORGANIZATION")["arn"]
out["arns"] = [account_arn, org_arn]
out["get_analyzer"] = {k: v for k, v in aa.get_analyzer(analyzerName="acct")["analyzer"].items() if k in ("arn", "name", "type", "status", "tags")}
out["list_analyzers"] = sorted(a["name"] for a in aa.list_analyzers()["analyzers"])


def by_resource(arn):
    return sorted(
        [f["resource"].split("/")[-1], f["principal"], f["action"], f["condition"], f["isPublic"], f["status"]]
        for f in aa.list_findings(analyzerArn=arn)["findings"]
    )


out["account_findings"] = by_resource(account_arn)
out["org_findings"] = by_resource(org_arn)

# An archive rule archives existing matching findings and new ones.
aa.create_archive_rule(analyzerName="acct", ruleName="partner", filter={"principal.AWS": {"eq": ["arn:aws:iam::222222222222:root"]}})
out["after_rule"] = sorted([f["resource"].split("/")[-1], f["status"]] for f in aa.list_findings(analyzerArn=account_arn)["findings"])
out["archive_rules"] = [r["ruleName"] for r in aa.list_archive_rules(analyzerName="acct")["archiveRules"]]
out["filtered_active"] = sorted(f["resource"].split("/")[-1] for f in aa.list_findings(analyzerArn=account_arn, filter={"status": {"eq": ["ACTIVE"]}, "resourceType": {"eq": ["AWS::IAM::Role"]}})["findings"])
out["filtered_contains"] = [f["resource"].split("/")[-1] for f in aa.list_findings(analyzerArn=account_arn, filter={"principal.Federated": {"contains": ["oidc-provider"]}})["findings"]]
out["filtered_exists"] = sorted(f["resource"].split("/")[-1] for f in aa.list_findings(analyzerArn=account_arn, filter={"condition.oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": {"exists": False}})["findings"])

v2 = aa.list_findings_v2(analyzerArn=account_arn, sort={"attributeName": "resource", "orderBy": "DESC"})["findings"]
out["v2"] = [[f["resource"].split("/")[-1], f["findingType"]] for f in v2]
one = aa.get_finding_v2(analyzerArn=account_arn, id=v2[0]["id"])
out["v2_details"] = one["findingDetails"]
stats = aa.get_findings_statistics(analyzerArn=account_arn)["findingsStatistics"][0]["externalAccessFindingsStatistics"]
out["stats"] = [stats["totalActiveFindings"], stats["totalArchivedFindings"], stats["totalResolvedFindings"], stats["resourceTypeStatistics"]]
out["analyzed"] = sorted(r["resourceArn"].split("/")[-1] for r in aa.list_analyzed_resources(analyzerArn=account_arn)["analyzedResources"])
res = aa.get_analyzed_resource(analyzerArn=account_arn, resourceArn=f"arn:aws:iam::{ACCOUNT}:role/irsa-role")["resource"]
out["analyzed_one"] = [res["isPublic"], res["actions"], res["status"], res["sharedVia"]]
aa.start_resource_scan(analyzerArn=account_arn, resourceArn=f"arn:aws:iam::{ACCOUNT}:role/irsa-role")

# Deleting a role resolves its findings; UpdateFindings by resource re-activates an archived one.
iam.delete_role(RoleName="org-member-role")
aa.update_findings(analyzerArn=account_arn, status="ACTIVE", resourceArn=f"arn:aws:iam::{ACCOUNT}:role/partner-role")
out["after_delete"] = sorted([f["resource"].split("/")[-1], f["status"]] for f in aa.list_findings(analyzerArn=account_arn)["findings"])

out["errors"] = {
    "not_found": err(lambda: aa.get_finding(analyzerArn=account_arn, id="00000000-0000-0000-0000-000000000000")),
    "bad_type": err(lambda: aa.create_analyzer(analyzerName="x", type="NOPE")) if False else None,
    "denied": err(lambda: client("accessanalyzer", nobody_key, nobody_secret).list_analyzers()),
    "dup_rule": err(lambda: aa.create_archive_rule(analyzerName="acct", ruleName="partner", filter={"status": {"eq": ["ACTIVE"]}})),
    "bad_filter": err(lambda: aa.list_findings(analyzerArn=account_arn, filter={"nonsense": {"eq": ["x"]}})),
}
aa.delete_archive_rule(analyzerName="acct", ruleName="partner")
aa.tag_resource(resourceArn=account_arn, tags={"env": "test"})
aa.untag_resource(resourceArn=account_arn, tagKeys=["team"])
out["tags"] = aa.list_tags_for_resource(resourceArn=account_arn)["tags"]
aa.delete_analyzer(analyzerName="org")
out["after_delete_analyzer"] = [a["name"] for a in aa.list_analyzers()["analyzers"]]

# ---------------------------------------------------------------- policy generation acceptance
role_arn = iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))["Role"]["Arn"]
iam.attach_role_policy(RoleName="app-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
t0 = datetime.now(timezone.utc) - timedelta(minutes=1)


def session():
    c = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="workload")["Credentials"]
    return lambda name: client(name, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def workload(mk):
    """What the test under observation does: a user's life cycle and a role listing."""
    w = mk("iam")
    w.create_user(UserName="gen-user", Tags=[{"Key": "k", "Value": "v"}])
    w.get_user(UserName="gen-user")
    w.list_roles()
    w.delete_user(UserName="gen-user")
    return True


out["workload_admin"] = workload(session())
job = aa.start_policy_generation(
    policyGenerationDetails={"principalArn": role_arn},
    cloudTrailDetails={"trails": [{"cloudTrailArn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/my-trail", "allRegions": True}],
                       "accessRole": f"arn:aws:iam::{ACCOUNT}:role/app-role", "startTime": t0},
)["jobId"]
gen = aa.get_generated_policy(jobId=job)
out["job"] = [gen["jobDetails"]["status"], gen["generatedPolicyResult"]["properties"]["principalArn"], gen["generatedPolicyResult"]["properties"].get("isComplete")]
policy = json.loads(gen["generatedPolicyResult"]["generatedPolicies"][0]["policy"])
out["generated"] = policy
out["placeholders"] = json.loads(aa.get_generated_policy(jobId=job, includeResourcePlaceholders=True)["generatedPolicyResult"]["generatedPolicies"][0]["policy"])
out["listed_jobs"] = [[j["jobId"] == job, j["status"]] for j in aa.list_policy_generations(principalArn=role_arn)["policyGenerations"]]
aa.cancel_policy_generation(jobId=job)
out["validate_generated"] = [f["findingType"] + ":" + f["issueCode"] for f in aa.validate_policy(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY")["findings"]]

iam.detach_role_policy(RoleName="app-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
iam.put_role_policy(RoleName="app-role", PolicyName="generated", PolicyDocument=json.dumps(policy))
mk = session()
out["workload_generated"] = workload(mk)
out["uncalled_denied"] = err(lambda: mk("iam").list_users())

# ---------------------------------------------------------------- custom policy checks
broad = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
out["check_not_granted"] = aa.check_access_not_granted(policyDocument=json.dumps(policy), access=[{"actions": ["iam:ListUsers"]}], policyType="IDENTITY_POLICY")
out["check_not_granted_broad"] = aa.check_access_not_granted(policyDocument=broad, access=[{"actions": ["iam:ListUsers"]}], policyType="IDENTITY_POLICY")
out["check_no_new"] = aa.check_no_new_access(newPolicyDocument=json.dumps(policy), existingPolicyDocument=broad, policyType="IDENTITY_POLICY")
out["check_no_new_broader"] = aa.check_no_new_access(newPolicyDocument=broad, existingPolicyDocument=json.dumps(policy), policyType="IDENTITY_POLICY")
out["check_public"] = aa.check_no_public_access(policyDocument=trust("*"), resourceType="AWS::IAM::AssumeRolePolicyDocument")
for k in ("check_not_granted", "check_not_granted_broad", "check_no_new", "check_no_new_broader", "check_public"):
    out[k].pop("ResponseMetadata", None)
print(json.dumps(out))
