# Plan-only tests of the IAM and transport hardening of modules/image-renditions (issue 12).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1", pillow = "arn:aws:lambda:us-east-1:123456789012:layer:pillow:3" }
  name   = "photos"
  buckets = {
    source      = { name = "photos-uploads-123" }
    destination = { name = "photos-renditions-123" }
  }
  packages = {
    renditions = { file = "../lambda-function/tests/fixtures/handler.zip" }
    report     = { file = "../lambda-function/tests/fixtures/handler.zip" }
  }
  quarantine_prefix = "quarantine"
}

run "renditions_are_written_only_under_their_prefixes" {
  command = plan

  assert {
    condition = toset(one([for s in local.processor_statements : s.resources if s.sid == "WriteRenditions"])) == toset([
      "arn:aws:s3:::photos-renditions-123/large/*",
      "arn:aws:s3:::photos-renditions-123/small/*",
      "arn:aws:s3:::photos-renditions-123/thumb/*",
      "arn:aws:s3:::photos-renditions-123/quarantine/*",
    ])
    error_message = "PutObject only under each rendition's prefix and the quarantine prefix"
  }

  assert {
    condition     = !anytrue([for s in local.processor_statements : contains(s.resources, "arn:aws:s3:::photos-renditions-123/*")])
    error_message = "no statement covers the whole destination bucket"
  }
}

run "no_quarantine_no_quarantine_prefix" {
  command = plan

  variables {
    quarantine_prefix = null
    renditions        = { thumb = { max_width = 100, max_height = 100 } }
  }

  assert {
    condition     = toset(one([for s in local.processor_statements : s.resources if s.sid == "WriteRenditions"])) == toset(["arn:aws:s3:::photos-renditions-123/thumb/*"])
    error_message = "without quarantine, only the renditions' prefixes"
  }
}

run "environment_cannot_redirect_the_renditions" {
  command = plan

  variables {
    functions = { renditions = { environment_variables = { DESTINATION_BUCKET = "attacker-bucket" } } }
  }

  expect_failures = [var.functions]
}

run "reporter_environment_cannot_redirect_the_replica" {
  command = plan

  variables {
    functions = { report = { environment_variables = { REPLICA_BUCKET = "attacker-bucket" } } }
  }

  expect_failures = [var.functions]
}

# The queue is modules/private-queue (TLS-only policy and retention tested there).
run "failure_queue_is_a_private_queue_with_sse_sqs" {
  command = plan

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null
    error_message = "without kms_key_arn the failure queue uses SQS-managed SSE"
  }
}
