"""A CloudWatch client that speaks the query protocol.

botocore 1.4x talks to CloudWatch in CBOR/JSON, which LocalStack 4.8 does not understand
("Missing Action in request"); AWS still accepts the query protocol, so this client works on
every target.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import boto3
import botocore.session


def query_protocol_client() -> Any:
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    version = model["metadata"]["apiVersion"]
    model["metadata"] |= {"protocol": "query", "protocols": ["query"]}
    root = Path(tempfile.mkdtemp(prefix="cloudwatch-query-model-"))
    (root / "cloudwatch" / version).mkdir(parents=True)
    (root / "cloudwatch" / version / "service-2.json").write_text(json.dumps(model))
    loader.search_paths.insert(0, str(root))
    return boto3.Session(botocore_session=session).client("cloudwatch")
