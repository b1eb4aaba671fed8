# boto3 against a running iamlocal: create role -> assume -> caller identity, and the acceptance errors.
# Usage: python3 boto3_flow.py ENDPOINT DEV_KEY DEV_SECRET ; prints one JSON object with the outcomes.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service, **creds):
    return boto3.client(service, endpoint_url=endpoint, region_name="eu-west-1", config=cfg, **creds)


def code_of(fn):
    try:
        fn()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return None


dev = dict(aws_access_key_id=key, aws_secret_access_key=secret)
iam = client("iam", **dev)
sts = client("sts", **dev)
out = {}

trust = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="boto3-app", Path="/py/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
# botocore percent-decodes and json-loads policy documents: a dict must come back.
out["trust_is_dict"] = role["AssumeRolePolicyDocument"] == trust
got = iam.get_role(RoleName="boto3-app")["Role"]
out["get_role"] = {"Arn": got["Arn"], "MaxSessionDuration": got["MaxSessionDuration"], "RoleLastUsed": got["RoleLastUsed"]}

assumed = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="py-session", DurationSeconds=900)
c = assumed["Credentials"]
who = client("sts", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
             aws_session_token=c["SessionToken"]).get_caller_identity()
out["assumed_arn"] = who["Arn"]
out["assumed_user_id_ok"] = who["UserId"] == role["RoleId"] + ":py-session"

lambda_trust = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
iam.create_role(RoleName="boto3-lambda-only", AssumeRolePolicyDocument=json.dumps(lambda_trust))
out["denied"] = code_of(lambda: sts.assume_role(
    RoleArn="arn:aws:iam::000000000000:role/boto3-lambda-only", RoleSessionName="nope"))
out["wrong_secret"] = code_of(lambda: client("sts", aws_access_key_id="test", aws_secret_access_key="wrong").get_caller_identity())
out["unknown_key"] = code_of(lambda: client("sts", aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="x").get_caller_identity())
out["bad_session_name"] = code_of(lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="bad:name"))
out["too_long"] = code_of(lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7200))
out["malformed"] = code_of(lambda: iam.create_role(RoleName="bad", AssumeRolePolicyDocument="{nope"))

pages = iam.get_paginator("list_roles").paginate(PathPrefix="/py/", PaginationConfig={"PageSize": 1})
out["listed"] = [r["RoleName"] for p in pages for r in p["Roles"]]
print(json.dumps(out))
