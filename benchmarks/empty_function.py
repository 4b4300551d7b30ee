"""The empty Lambda function benches create through the API (and delete): its one-file module,
zipped, and the trust policy of its role, which is given no permission."""

from __future__ import annotations

import io
import zipfile

from scenario_client.iam import service_trust_policy

HANDLER = "app.handler"
SOURCE = "def handler(event, context):\n    return None\n"
LAMBDA_TRUST = service_trust_policy("lambda.amazonaws.com")


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("app.py", date_time=(2020, 1, 1, 0, 0, 0)), SOURCE)
    return buffer.getvalue()
