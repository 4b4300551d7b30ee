# Plan-only tests of the IAM and transport hardening of modules/json-to-csv (issue 12).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name   = "orders"
  input  = { bucket_name = "orders-in-123" }
  packages = {
    s3     = { file = "../lambda-function/tests/fixtures/handler.zip" }
    stream = { file = "../lambda-function/tests/fixtures/handler.zip" }
  }
  kms_key_arn = null
}

run "converter_can_tell_a_deleted_input_from_a_forbidden_one" {
  command = plan

  # GetObject of a key deleted before the converter ran answers 404 (a "superseded" skip) only
  # with s3:ListBucket on the bucket; without it, 403 and the event is retried into the queue.
  assert {
    condition     = toset(one([for s in local.converter_statements : s.actions if s.sid == "ListInput"])) == toset(["s3:ListBucket"]) && toset(one([for s in local.converter_statements : s.resources if s.sid == "ListInput"])) == toset(["arn:aws:s3:::orders-in-123"])
    error_message = "the converter needs s3:ListBucket on the input bucket"
  }
}

run "stream_reader_has_no_subscribe_to_shard" {
  command = plan

  # SubscribeToShard applies to enhanced fan-out consumers; the mapping reads the stream itself.
  assert {
    condition     = !contains(one([for s in local.stream_statements : s.actions if s.sid == "ReadStream"]), "kinesis:SubscribeToShard")
    error_message = "no kinesis:SubscribeToShard on the stream ARN"
  }
}

run "no_customer_key_no_kms_statement" {
  command = plan

  assert {
    condition     = length([for s in concat(local.converter_statements, local.stream_statements) : s if s.sid == "UseScenarioKey"]) == 0
    error_message = "no KMS permission without kms_key_arn"
  }
}

run "customer_key_covers_reads_writes_stream_and_queues" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = alltrue([for statements in [local.converter_statements, local.stream_statements] :
      toset(one([for s in statements : s.actions if s.sid == "UseScenarioKey"])) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      toset(one([for s in statements : s.resources if s.sid == "UseScenarioKey"])) == toset(["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    ])
    error_message = "both functions may use the scenario key (SSE-KMS objects, the stream, the failure queues)"
  }

  assert {
    condition     = module.s3_failures_queue.kms_key_arn == var.kms_key_arn && module.stream_failures_queue[0].kms_key_arn == var.kms_key_arn
    error_message = "both failure queues are encrypted with the customer key"
  }
}

run "environment_cannot_redirect_the_output" {
  command = plan

  variables {
    functions = { s3 = { environment_variables = { OUTPUT_BUCKET = "attacker-bucket" } } }
  }

  expect_failures = [var.functions]
}

run "stream_environment_cannot_redirect_the_output" {
  command = plan

  variables {
    functions = { stream = { environment_variables = { OUTPUT_PREFIX = "elsewhere/" } } }
  }

  expect_failures = [var.functions]
}

# The queue is modules/private-queue (TLS-only policy and retention tested there).
run "queues_are_private_queues_with_sse_sqs" {
  command = plan

  assert {
    condition     = module.s3_failures_queue.kms_key_arn == null && module.stream_failures_queue[0].kms_key_arn == null
    error_message = "without kms_key_arn both failure queues use SQS-managed SSE"
  }
}
