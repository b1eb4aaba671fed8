# boto3 against iamlocal's SQS authorizing proxy, configured by environment only (AWS_ENDPOINT_URL_SQS,
# static keys). argv: ALLOWED_QUEUE_URL DENIED_QUEUE_URL. Prints one JSON object with each step's outcome.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

allowed, denied = sys.argv[1:3]
sqs = boto3.client("sqs", config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def step(fn):
    try:
        return {"ok": True, "value": fn()}
    except ClientError as e:
        return {"ok": False, "code": e.response["Error"]["Code"], "message": e.response["Error"].get("Message"),
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}


out = {
    "send": step(lambda: sqs.send_message(QueueUrl=allowed, MessageBody="from-boto3")["MessageId"]),
    "receive": step(lambda: [m["Body"] for m in sqs.receive_message(QueueUrl=allowed, MaxNumberOfMessages=10).get("Messages", [])][-1]),
    "denied": step(lambda: sqs.send_message(QueueUrl=denied, MessageBody="nope")),
}
print(json.dumps(out))
