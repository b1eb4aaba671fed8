# botocore's web-identity credential provider against a running iamlocal, configured by environment
# variables only (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME, AWS_ENDPOINT_URL_STS,
# AWS_DEFAULT_REGION) — exactly what a pod gets from the EKS pod identity webhook plus the endpoint.
# Prints one JSON object: the caller identity, or the STS error the credential fetch ended with.
import json

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

try:
    sts = boto3.client("sts", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    creds = boto3.Session().get_credentials()
    method = creds.method if creds else None
    who = sts.get_caller_identity()
    print(json.dumps({"method": method, "arn": who["Arn"], "account": who["Account"], "user_id": who["UserId"],
                      "access_key": creds.get_frozen_credentials().access_key}))
except ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                      "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
