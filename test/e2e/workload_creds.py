# botocore's own credential chain on a mock EC2 instance or ECS task, configured by environment only
# (AWS_EC2_METADATA_SERVICE_ENDPOINT, or AWS_CONTAINER_CREDENTIALS_FULL_URI [+ AWS_CONTAINER_AUTHORIZATION_TOKEN],
# AWS_ENDPOINT_URL_STS, AWS_DEFAULT_REGION). Prints one JSON object: which provider answered and the
# caller identity, or why no credentials came.
import json

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, NoCredentialsError

try:
    session = boto3.Session()
    creds = session.get_credentials()
    if creds is None:
        print(json.dumps({"method": None}))
    else:
        sts = session.client("sts", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
        who = sts.get_caller_identity()
        print(json.dumps({"method": creds.method, "arn": who["Arn"], "access_key": creds.get_frozen_credentials().access_key}))
except NoCredentialsError:
    print(json.dumps({"method": None}))
except ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}))
