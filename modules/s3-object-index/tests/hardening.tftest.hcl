# Plan-only tests of the IAM and transport hardening of modules/s3-object-index (issue 12).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name   = "photos"
  buckets = {
    uploads = { name = "photos-uploads-123" }
  }
  packages = {
    indexer = { file = "../lambda-function/tests/fixtures/handler.zip" }
    api     = { file = "../lambda-function/tests/fixtures/handler.zip" }
  }
}

run "index_writes_are_puts_only" {
  command = plan

  # TransactWriteItems of conditional Puts is authorised as dynamodb:PutItem per item;
  # ConditionCheckItem is only for ConditionCheck items, which the indexer never sends.
  assert {
    condition     = toset(one([for s in local.indexer_statements : s.actions if s.sid == "WriteIndex"])) == toset(["dynamodb:PutItem"])
    error_message = "the indexer may only PutItem on the table"
  }
}

run "content_type_lookup_reads_versions_and_can_tell_a_missing_key" {
  command = plan

  variables {
    fetch_content_type = true
  }

  # HeadObject with VersionId is s3:GetObjectVersion; without s3:ListBucket a deleted key answers
  # 403 instead of 404 and the event fails instead of being indexed without a content type.
  assert {
    condition     = toset(one([for s in local.indexer_statements : s.actions if s.sid == "HeadIndexedObjects"])) == toset(["s3:GetObject", "s3:GetObjectVersion"])
    error_message = "the lookup needs s3:GetObject and s3:GetObjectVersion on the objects"
  }

  assert {
    condition     = toset(one([for s in local.indexer_statements : s.resources if s.sid == "ListIndexedBuckets"])) == toset(["arn:aws:s3:::photos-uploads-123"]) && toset(one([for s in local.indexer_statements : s.actions if s.sid == "ListIndexedBuckets"])) == toset(["s3:ListBucket"])
    error_message = "the lookup needs s3:ListBucket on the indexed buckets (404 instead of 403 for deleted keys)"
  }

  assert {
    condition     = module.indexer.function_name == "photos-indexer" && local.indexer_environment.FETCH_CONTENT_TYPE == "true"
    error_message = "the function is told to look up content types"
  }
}

run "no_lookup_no_s3_statements" {
  command = plan

  assert {
    condition     = length([for s in local.indexer_statements : s if startswith(s.actions[0], "s3:")]) == 0 && local.indexer_environment.FETCH_CONTENT_TYPE == "false"
    error_message = "without the lookup the indexer gets no S3 permission"
  }
}

run "environment_cannot_switch_the_lookup_behind_iam" {
  command = plan

  variables {
    functions = { indexer = { environment_variables = { FETCH_CONTENT_TYPE = "true" } } }
  }

  expect_failures = [var.functions]
}

run "environment_cannot_redirect_the_table" {
  command = plan

  variables {
    functions = { indexer = { environment_variables = { TABLE_NAME = "someone-elses-table" } } }
  }

  expect_failures = [var.functions]
}

run "customer_key_covers_the_failure_queue" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  # Lambda sends to the on-failure queue with the function's role: an SSE-KMS queue needs
  # kms:GenerateDataKey and kms:Decrypt, or failed events are dropped.
  assert {
    condition     = toset(one([for s in local.indexer_statements : s.actions if s.sid == "UseScenarioKey"])) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && one([for s in local.indexer_statements : s.resources if s.sid == "UseScenarioKey"]) == ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    error_message = "with kms_key_arn the indexer may use that key (queue, table)"
  }

  assert {
    condition     = module.on_failure_queue.kms_key_arn == var.kms_key_arn
    error_message = "the failure queue is encrypted with the customer key"
  }

  # The API reads the table, which DynamoDB decrypts with the key on the reader's behalf.
  assert {
    condition     = one([for s in local.api_statements : s.actions if s.sid == "DecryptIndex"]) == ["kms:Decrypt"] && one([for s in local.api_statements : s.resources if s.sid == "DecryptIndex"]) == ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    error_message = "with kms_key_arn the API may decrypt with that key, and only decrypt"
  }
}

run "no_customer_key_no_kms_statement" {
  command = plan

  assert {
    condition     = length([for s in local.indexer_statements : s if s.sid == "UseScenarioKey"]) == 0 && length([for s in local.api_statements : s if s.sid == "DecryptIndex"]) == 0
    error_message = "no KMS permission without kms_key_arn"
  }
}

# The queue is modules/private-queue (TLS-only policy and retention tested there).
run "failure_queue_is_a_private_queue_with_sse_sqs" {
  command = plan

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null
    error_message = "without kms_key_arn the failure queue uses SQS-managed SSE"
  }
}

run "no_public_api" {
  command = plan

  variables {
    api = { auth_type = "NONE" }
  }

  # A public, unthrottled listing of every indexed key is not offered: SigV4 (AWS_IAM) only.
  expect_failures = [var.api]
}

run "both_api_paths_are_iam_only" {
  command = plan

  assert {
    condition     = aws_lambda_function_url.this[0].authorization_type == "AWS_IAM" && aws_api_gateway_method.proxy[0].authorization == "AWS_IAM"
    error_message = "function URL and REST API require SigV4"
  }
}
