# Runs a list of EC2 API calls with boto3 against iamlocal and prints one JSON result per call:
# {"ok": response-without-metadata} or {"code", "message", "status"}. Argument: one JSON object
# {"endpoint", "region", "creds": {access_key, secret_key, token?}, "calls": [{"op": snake_name, "params": {...}}]}.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

spec = json.loads(sys.argv[1])
c = spec["creds"]
ec2 = boto3.client(
    "ec2",
    endpoint_url=spec["endpoint"],
    region_name=spec["region"],
    aws_access_key_id=c["access_key"],
    aws_secret_access_key=c["secret_key"],
    aws_session_token=c.get("token"),
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)
out = []
for call in spec["calls"]:
    try:
        r = getattr(ec2, call["op"])(**call.get("params", {}))
        r.pop("ResponseMetadata", None)
        out.append({"ok": r})
    except ClientError as e:
        out.append({"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]})
print(json.dumps(out, default=str))
