"""A real MiniStack: up with IAM enforcement on loopback, a denial recorded, down, nothing left.

Runs when MiniStack is the target (LBP_TARGET=ministack, which installs it) or already installed;
`make test` on the embedded LocalStack does not install MiniStack for it.
"""

import json
import os
import socket
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from localaws import ministack, proc_net, process
from localaws.layout import find_root
from localaws.ministack import MiniStackLayout

REPO = find_root(Path(__file__).parent)
INSTALLED = MiniStackLayout(root=REPO, state_dir=REPO, port=0).venv_python.is_file()

pytestmark = pytest.mark.skipif(
    not INSTALLED and os.environ.get("LBP_TARGET") != "ministack",
    reason="MiniStack is neither the target nor installed (make test-ministack runs this)",
)


TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _client(service: str, endpoint: str, key: str, secret: str) -> object:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


def test_up_enforces_iam_records_the_denial_and_down_leaves_nothing(tmp_path: Path) -> None:
    layout = MiniStackLayout(root=REPO, state_dir=tmp_path / "state", port=_free_port())
    ministack.install(layout)
    started = time.monotonic()
    ministack.up(layout)
    record = ministack.read_record(layout)
    assert record is not None
    try:
        health = ministack.fetch_health(layout.port)
        assert health is not None and health["auth"] == "enabled"
        assert all(listener.is_loopback for listener in proc_net.listeners_on(layout.port))
        assert ministack.up(layout) == 0.0  # already running: nothing started
        iam = _client("iam", layout.endpoint_url, "test", "test")
        iam.create_user(UserName="nobody")  # type: ignore[attr-defined]
        key = iam.create_access_key(UserName="nobody")["AccessKey"]  # type: ignore[attr-defined]
        s3 = _client("s3", layout.endpoint_url, key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(ClientError, match="AccessDenied"):
            s3.list_buckets()  # type: ignore[attr-defined]
        [denial] = ministack.read_denials(layout.denials_file)
        assert denial["action"] == "s3:ListAllMyBuckets"
        assert denial["principal"].endswith(":user/nobody")
        assert denial["decision"] == "ImplicitDeny"
        # A TLS-only queue policy: the gateway is plain HTTP on loopback, and is evaluated as
        # a TLS-terminating front (aws:SecureTransport true), as AWS's endpoints always are.
        sqs = _client("sqs", layout.endpoint_url, "test", "test")
        url = sqs.create_queue(QueueName="tls-only")["QueueUrl"]  # type: ignore[attr-defined]
        sqs.set_queue_attributes(  # type: ignore[attr-defined]
            QueueUrl=url, Attributes={"Policy": json.dumps(TLS_ONLY)}
        )
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])  # type: ignore[attr-defined]
        assert len(ministack.read_denials(layout.denials_file)) == 1
        assert ministack.status(layout)[0] is True
        pids = process.tree(record.pid, record.pgid)
    finally:
        assert ministack.down(layout) is True
    assert not [pid for pid in pids if process.is_alive(pid)]
    assert proc_net.listeners_on(layout.port) == []
    assert not layout.pid_file.exists()
    assert ministack.status(layout)[0] is False
    assert time.monotonic() - started < 60
