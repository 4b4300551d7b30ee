"""DynamoDB, DynamoDB Streams and SQS request mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from localaws_iam.mapping import authorization
from localaws_iam.model import Authorization, ServiceCall, UnmappedOperationError

ACCOUNT = "111122223333"
REGION = "eu-west-1"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/jobs"


class Lookup:
    def __init__(
        self,
        tags: Mapping[str, Mapping[str, str]] | None = None,
        keys: Mapping[str, str] | None = None,
    ) -> None:
        self._tags = dict(tags or {})
        self._keys = dict(keys or {})

    def tags(self, arn: str) -> Mapping[str, str] | None:
        return self._tags.get(arn)

    def kms_key(self, arn: str) -> str | None:
        return self._keys.get(arn)


def call(
    service: str, operation: str, lookup: Lookup | None = None, **params: Any
) -> Authorization:
    return authorization(
        ServiceCall(service, operation, params, REGION, ACCOUNT), lookup or Lookup()
    )


def pairs(authz: Authorization) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in authz.requests]


# ---------------------------------------------------------------- DynamoDB


def test_transact_write_items_is_one_request_per_item_on_each_table() -> None:
    authz = call(
        "dynamodb",
        "TransactWriteItems",
        TransactItems=[
            {"Put": {"TableName": "objects", "Item": {}}},
            {"Update": {"TableName": "objects", "Key": {}, "UpdateExpression": "SET a = :a"}},
            {"Delete": {"TableName": "history", "Key": {}}},
            {"ConditionCheck": {"TableName": "locks", "Key": {}, "ConditionExpression": "x"}},
        ],
    )
    assert pairs(authz) == [
        ("dynamodb:PutItem", f"{TABLE}/objects"),
        ("dynamodb:UpdateItem", f"{TABLE}/objects"),
        ("dynamodb:DeleteItem", f"{TABLE}/history"),
        ("dynamodb:ConditionCheckItem", f"{TABLE}/locks"),
    ]
    assert {r.context["dynamodb:EnclosingOperation"] for r in authz.requests} == {
        "TransactWriteItems"
    }


def test_transact_get_items_is_get_item_per_item() -> None:
    authz = call(
        "dynamodb",
        "TransactGetItems",
        TransactItems=[
            {"Get": {"TableName": "a", "Key": {}}},
            {"Get": {"TableName": "b", "Key": {}}},
        ],
    )
    assert pairs(authz) == [("dynamodb:GetItem", f"{TABLE}/a"), ("dynamodb:GetItem", f"{TABLE}/b")]


@pytest.mark.parametrize("operation", ["BatchWriteItem", "BatchGetItem"])
def test_batch_operations_are_authorized_per_table(operation: str) -> None:
    # AWS has dynamodb:BatchWriteItem / dynamodb:BatchGetItem actions (unlike transactions).
    items = {"a": [{"PutRequest": {"Item": {}}}], "b": [{"DeleteRequest": {"Key": {}}}]}
    authz = call("dynamodb", operation, RequestItems=items)
    assert pairs(authz) == [
        (f"dynamodb:{operation}", f"{TABLE}/a"),
        (f"dynamodb:{operation}", f"{TABLE}/b"),
    ]


@pytest.mark.parametrize("operation", ["Query", "Scan"])
def test_query_and_scan_on_an_index_use_the_index_arn(operation: str) -> None:
    authz = call("dynamodb", operation, TableName="objects", IndexName="by-bucket")
    assert pairs(authz) == [(f"dynamodb:{operation}", f"{TABLE}/objects/index/by-bucket")]
    plain = call("dynamodb", operation, TableName="objects", Select="COUNT")
    assert pairs(plain) == [(f"dynamodb:{operation}", f"{TABLE}/objects")]
    assert plain.requests[0].context["dynamodb:Select"] == "COUNT"


def test_table_name_may_be_an_arn() -> None:
    other = "arn:aws:dynamodb:us-east-2:444455556666:table/remote"
    assert pairs(call("dynamodb", "GetItem", TableName=other, Key={})) == [
        ("dynamodb:GetItem", other)
    ]


def test_item_operations_carry_table_tags() -> None:
    lookup = Lookup(tags={f"{TABLE}/t": {"env": "prod"}})
    authz = call("dynamodb", "PutItem", lookup, TableName="t", Item={})
    assert authz.requests[0].context == {"aws:ResourceTag/env": "prod"}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("GetItem", {"TableName": "t", "Key": {}}),
        ("PutItem", {"TableName": "t", "Item": {}}),
        ("UpdateItem", {"TableName": "t", "Key": {}}),
        ("Query", {"TableName": "t", "IndexName": "i"}),
        ("BatchWriteItem", {"RequestItems": {"t": []}}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "t", "Item": {}}}]}),
    ],
)
def test_table_with_customer_key_needs_kms_decrypt(operation: str, params: Any) -> None:
    lookup = Lookup(keys={f"{TABLE}/t": KEY})
    authz = call("dynamodb", operation, lookup, **params)
    assert pairs(authz)[-1] == ("kms:Decrypt", KEY)
    context = authz.requests[-1].context
    assert context["kms:ViaService"] == f"dynamodb.{REGION}.amazonaws.com"
    assert context["kms:EncryptionContext:aws:dynamodb:tableName"] == "t"


def test_table_without_customer_key_needs_no_kms() -> None:
    assert [a for a, _ in pairs(call("dynamodb", "GetItem", TableName="t", Key={}))] == [
        "dynamodb:GetItem"
    ]


def test_streams_on_the_stream_arn() -> None:
    stream = f"{TABLE}/t/stream/2026-01-01T00:00:00.000"
    assert pairs(call("dynamodbstreams", "DescribeStream", StreamArn=stream)) == [
        ("dynamodb:DescribeStream", stream)
    ]
    assert pairs(
        call("dynamodbstreams", "GetRecords", ShardIterator="opaque", StreamArn=stream)
    ) == [("dynamodb:GetRecords", stream)]
    assert pairs(call("dynamodbstreams", "ListStreams")) == [("dynamodb:ListStreams", "*")]


def test_streams_get_records_reads_the_stream_from_localstacks_iterator() -> None:
    stream = f"{TABLE}/t/stream/2026-01-01T00:00:00.000"
    authz = call("dynamodbstreams", "GetRecords", ShardIterator=f"{stream}|1|AAAA=")
    assert pairs(authz) == [("dynamodb:GetRecords", stream)]


def test_streams_of_a_table_with_customer_key_need_decrypt() -> None:
    stream = f"{TABLE}/t/stream/2026-01-01T00:00:00.000"
    lookup = Lookup(keys={f"{TABLE}/t": KEY})
    authz = call("dynamodbstreams", "GetRecords", lookup, ShardIterator=f"{stream}|1|x")
    assert pairs(authz) == [("dynamodb:GetRecords", stream), ("kms:Decrypt", KEY)]
    assert authz.requests[1].context["kms:ViaService"] == f"dynamodb.{REGION}.amazonaws.com"


def test_streams_get_records_without_stream_is_not_guessed() -> None:
    with pytest.raises(UnmappedOperationError, match="StreamArn"):
        call("dynamodbstreams", "GetRecords", ShardIterator="opaque")


# ---------------------------------------------------------------- SQS


def test_queue_url_becomes_queue_arn() -> None:
    assert pairs(call("sqs", "GetQueueAttributes", QueueUrl=QUEUE_URL)) == [
        ("sqs:GetQueueAttributes", QUEUE)
    ]
    local = "http://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/q"
    assert pairs(call("sqs", "DeleteMessage", QueueUrl=local, ReceiptHandle="r")) == [
        ("sqs:DeleteMessage", f"arn:aws:sqs:{REGION}:000000000000:q")
    ]


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("SendMessageBatch", "sqs:SendMessage"),
        ("DeleteMessageBatch", "sqs:DeleteMessage"),
        ("ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"),
    ],
)
def test_batch_operations_use_the_single_action(operation: str, action: str) -> None:
    assert pairs(call("sqs", operation, QueueUrl=QUEUE_URL, Entries=[])) == [(action, QUEUE)]


def test_list_queues_has_no_resource() -> None:
    assert pairs(call("sqs", "ListQueues")) == [("sqs:ListQueues", "*")]


def test_send_to_queue_with_customer_key_needs_generate_data_key_and_decrypt() -> None:
    lookup = Lookup(keys={QUEUE: KEY})
    authz = call("sqs", "SendMessage", lookup, QueueUrl=QUEUE_URL, MessageBody="x")
    assert pairs(authz) == [
        ("sqs:SendMessage", QUEUE),
        ("kms:GenerateDataKey", KEY),
        ("kms:Decrypt", KEY),
    ]
    assert authz.requests[1].context["kms:ViaService"] == f"sqs.{REGION}.amazonaws.com"
    assert authz.requests[1].context["kms:EncryptionContext:aws:sqs:arn"] == QUEUE


def test_receive_from_queue_with_customer_key_needs_decrypt() -> None:
    lookup = Lookup(keys={QUEUE: KEY})
    assert pairs(call("sqs", "ReceiveMessage", lookup, QueueUrl=QUEUE_URL)) == [
        ("sqs:ReceiveMessage", QUEUE),
        ("kms:Decrypt", KEY),
    ]


def test_create_queue_with_tags_needs_tag_queue() -> None:
    authz = call("sqs", "CreateQueue", QueueName="jobs", tags={"env": "prod"})
    assert pairs(authz) == [("sqs:CreateQueue", QUEUE), ("sqs:TagQueue", QUEUE)]
    assert authz.requests[0].context == {"aws:RequestTag/env": "prod", "aws:TagKeys": ["env"]}


def test_queue_tags_reach_the_context() -> None:
    lookup = Lookup(tags={QUEUE: {"team": "a"}})
    authz = call("sqs", "SendMessage", lookup, QueueUrl=QUEUE_URL, MessageBody="x")
    assert authz.requests[0].context == {"aws:ResourceTag/team": "a"}


def test_a_parameter_that_is_the_resources_arn_is_used() -> None:
    backup = f"{TABLE}/t/backup/01700000000000-abcdef"
    assert pairs(call("dynamodb", "DescribeBackup", BackupArn=backup)) == [
        ("dynamodb:DescribeBackup", backup)
    ]
    # A backup ARN is not a table ARN: the restore is authorized on the backup and the target.
    authz = call("dynamodb", "RestoreTableFromBackup", BackupArn=backup, TargetTableName="new")
    assert sorted(pairs(authz)) == [
        ("dynamodb:RestoreTableFromBackup", f"{TABLE}/new"),
        ("dynamodb:RestoreTableFromBackup", backup),
    ]


def test_required_alternatives_need_one_of_them() -> None:
    # dynamodb:GetResourcePolicy lists stream* and table*: a table ARN alone is enough.
    assert pairs(call("dynamodb", "GetResourcePolicy", ResourceArn=f"{TABLE}/t")) == [
        ("dynamodb:GetResourcePolicy", f"{TABLE}/t")
    ]
    with pytest.raises(UnmappedOperationError, match="GetResourcePolicy"):
        call("dynamodb", "GetResourcePolicy")
