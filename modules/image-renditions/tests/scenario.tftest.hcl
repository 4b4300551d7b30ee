# Plan-only tests of modules/image-renditions with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "photos"
  buckets = {
    source      = { name = "photos-uploads-123" }
    destination = { name = "photos-renditions-123" }
  }
  packages = {
    renditions = { file = "../lambda-function/tests/fixtures/handler.zip" }
    report     = { file = "../lambda-function/tests/fixtures/handler.zip" }
  }
  layers = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1", pillow = "arn:aws:lambda:us-east-1:123456789012:layer:pillow:3" }
}

run "buckets_are_created_and_only_the_source_notifies" {
  command = plan

  assert {
    condition     = length(module.bucket) == 2 && module.bucket["source"].name == "photos-uploads-123" && module.bucket["destination"].name == "photos-renditions-123"
    error_message = "both buckets are created (by modules/private-bucket) with their names"
  }

  assert {
    condition     = output.source_bucket_name == "photos-uploads-123" && output.destination_bucket_name == "photos-renditions-123"
    error_message = "outputs name the created buckets"
  }

  assert {
    condition     = aws_s3_bucket_notification.source.bucket == "photos-uploads-123" && one(aws_s3_bucket_notification.source.lambda_function).events == toset(["s3:ObjectCreated:*"])
    error_message = "only the source bucket notifies, on ObjectCreated:*"
  }

  assert {
    condition     = aws_lambda_permission.s3.source_arn == "arn:aws:s3:::photos-uploads-123" && aws_lambda_permission.s3.source_account == "123456789012"
    error_message = "S3 may invoke the function only for the source bucket and account"
  }
}

run "function_names_and_renditions_settings" {
  command = plan

  assert {
    condition     = module.processor.function_name == "photos-renditions" && module.reporter.function_name == "photos-report"
    error_message = "function names"
  }

  assert {
    condition     = jsondecode(local.rendition_json).thumb.format == "jpeg" && jsondecode(local.rendition_json).large.format == "keep"
    error_message = "renditions JSON carries the defaults (large keep, thumb jpeg)"
  }
}

run "on_success_goes_to_the_report_function_on_failure_to_the_queue" {
  command = plan

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null && module.on_failure_queue.name == "${var.name}-failures"
    error_message = "the on-failure queue is encrypted (SSE-SQS; retention: modules/private-queue)"
  }

  assert {
    condition     = aws_dynamodb_table.results.hash_key == "bucket" && aws_dynamodb_table.results.range_key == "key"
    error_message = "results are keyed by source bucket + key"
  }
}

run "existing_buckets_are_not_created" {
  command = plan

  variables {
    buckets = {
      source      = { name = "someone-elses-uploads", create = false }
      destination = { name = "someone-elses-renditions", create = false }
    }
  }

  assert {
    condition     = length(module.bucket) == 0 && aws_s3_bucket_notification.source.bucket == "someone-elses-uploads"
    error_message = "create = false creates no bucket but still configures the notification"
  }
}

run "rejects_the_same_bucket_for_source_and_destination" {
  command = plan

  variables {
    buckets = {
      source      = { name = "same-bucket" }
      destination = { name = "same-bucket" }
    }
  }

  expect_failures = [var.buckets]
}

run "rejects_an_unknown_format" {
  command = plan

  variables {
    renditions = { x = { max_width = 10, max_height = 10, format = "gif" } }
  }

  expect_failures = [var.renditions]
}

run "rejects_quality_out_of_range_and_zero_sizes" {
  command = plan

  variables {
    renditions = { x = { max_width = 0, max_height = 10, quality = 101 } }
  }

  expect_failures = [var.renditions]
}

run "rejects_a_bad_replica_region" {
  command = plan

  variables {
    replica = { bucket_name = "replica-bucket", region = "mars" }
  }

  expect_failures = [var.replica]
}

run "rejects_a_quarantine_prefix_named_like_a_rendition" {
  command = plan

  variables {
    quarantine_prefix = "thumb/bad"
  }

  expect_failures = [aws_s3_bucket_notification.source]
}
