# Plan-only tests of modules/s3-object-index with a mocked AWS provider (offline).

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

run "created_bucket_uses_the_private_bucket_module" {
  command = plan

  assert {
    condition     = length(module.bucket) == 1 && module.bucket["uploads"].name == "photos-uploads-123"
    error_message = "the bucket is created (by modules/private-bucket) with its name"
  }

  assert {
    condition     = aws_s3_bucket_notification.this["uploads"].bucket == "photos-uploads-123" && aws_lambda_permission.s3["uploads"].source_arn == "arn:aws:s3:::photos-uploads-123"
    error_message = "the created bucket gets the notification and the invoke permission"
  }
}

run "notification_covers_creation_and_removal" {
  command = plan

  variables {
    buckets = {
      uploads = { name = "photos-uploads-123", filter_prefix = "incoming/", filter_suffix = ".jpg" }
    }
  }

  assert {
    condition     = one(aws_s3_bucket_notification.this["uploads"].lambda_function).events == toset(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    error_message = "the indexer must hear ObjectCreated:* and ObjectRemoved:*"
  }

  assert {
    condition     = one(aws_s3_bucket_notification.this["uploads"].lambda_function).filter_prefix == "incoming/" && one(aws_s3_bucket_notification.this["uploads"].lambda_function).filter_suffix == ".jpg"
    error_message = "prefix/suffix filters are passed to the notification"
  }

  assert {
    condition     = aws_lambda_permission.s3["uploads"].principal == "s3.amazonaws.com" && aws_lambda_permission.s3["uploads"].source_arn == "arn:aws:s3:::photos-uploads-123" && aws_lambda_permission.s3["uploads"].source_account == "123456789012"
    error_message = "S3 may invoke the indexer only for this bucket and account"
  }
}

run "index_table_keys_ttl_and_recovery" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "bucket" && aws_dynamodb_table.this.range_key == "key" && aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "row identity is bucket + key"
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).attribute_name == "expires_at" && one(aws_dynamodb_table.this.ttl).enabled
    error_message = "tombstones expire through the expires_at TTL attribute"
  }

  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled
    error_message = "point-in-time recovery is on"
  }
}

run "indexer_failures_go_to_the_queue" {
  command = plan

  assert {
    condition     = module.indexer.function_name == "photos-indexer"
    error_message = "indexer function name"
  }

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null
    error_message = "the on-failure queue is encrypted (SSE-SQS; retention: modules/private-queue)"
  }
}

run "existing_bucket_is_not_created" {
  command = plan

  variables {
    buckets = {
      legacy = { name = "someone-elses-bucket", create = false }
    }
  }

  assert {
    condition     = length(module.bucket) == 0
    error_message = "create = false must not create the bucket"
  }

  assert {
    condition     = aws_s3_bucket_notification.this["legacy"].bucket == "someone-elses-bucket"
    error_message = "the existing bucket still gets the notification"
  }
}

run "api_can_be_disabled" {
  command = plan

  variables {
    api = { enabled = false }
  }

  assert {
    condition     = length(aws_lambda_function_url.this) == 0 && length(aws_api_gateway_rest_api.this) == 0 && output.function_url == null
    error_message = "api.enabled = false creates no API"
  }
}

run "api_is_iam_authenticated_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function_url.this[0].authorization_type == "AWS_IAM" && aws_api_gateway_method.proxy[0].authorization == "AWS_IAM"
    error_message = "both API paths require SigV4 by default"
  }

  assert {
    condition     = aws_api_gateway_integration.proxy[0].type == "AWS_PROXY" && aws_api_gateway_stage.this[0].stage_name == "v1"
    error_message = "REST API proxies to the function on stage v1"
  }
}

run "rejects_no_buckets" {
  command = plan

  variables {
    buckets = {}
  }

  expect_failures = [var.buckets]
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    buckets = { x = { name = "Not_A_Bucket" } }
  }

  expect_failures = [var.buckets]
}

run "rejects_unknown_api_auth" {
  command = plan

  variables {
    api = { auth_type = "COGNITO" }
  }

  expect_failures = [var.api]
}

run "rejects_zero_tombstone_ttl" {
  command = plan

  variables {
    tombstone_ttl_days = 0
  }

  expect_failures = [var.tombstone_ttl_days]
}
