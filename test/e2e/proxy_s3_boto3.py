# boto3 against iamlocal's S3 authorizing proxy, configured by environment only: AWS_ENDPOINT_URL_S3
# (the proxy), AWS_ENDPOINT_URL_STS (iamlocal) and either static keys or the IRSA variables
# (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE) that the pod identity webhook sets.
# argv: BUCKET ALLOWED_KEY DENIED_KEY. Prints one JSON object with each step's outcome.
import json
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

bucket, allowed, denied = sys.argv[1:4]
# botocore presigns S3 URLs with SigV2 in us-east-1 unless told s3v4; the proxy (like S3 in newer regions) takes SigV4 only.
s3 = boto3.client("s3", config=Config(retries={"max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}, signature_version="s3v4"))


def step(fn):
    try:
        return {"ok": True, "value": fn()}
    except ClientError as e:
        return {"ok": False, "code": e.response["Error"]["Code"], "message": e.response["Error"].get("Message"),
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}


def presigned_get(key):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
    try:
        with urllib.request.urlopen(url) as r:
            return {"status": r.status, "body": r.read().decode()}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode()}


out = {
    "identity": boto3.client("sts").get_caller_identity()["Arn"],
    "put_allowed": step(lambda: s3.put_object(Bucket=bucket, Key=allowed, Body=b"from boto3")["ResponseMetadata"]["HTTPStatusCode"]),
    "get_allowed": step(lambda: s3.get_object(Bucket=bucket, Key=allowed)["Body"].read().decode()),
    "put_denied": step(lambda: s3.put_object(Bucket=bucket, Key=denied, Body=b"no")["ResponseMetadata"]["HTTPStatusCode"]),
    "delete_allowed_key": step(lambda: s3.delete_object(Bucket=bucket, Key=allowed)["ResponseMetadata"]["HTTPStatusCode"]),
    "presigned_allowed": presigned_get(allowed),
    "presigned_denied": presigned_get(denied),
}
print(json.dumps(out))
