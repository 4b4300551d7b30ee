# Plan-only tests of modules/json-to-csv with a mocked AWS provider (offline).

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
}

run "defaults_wire_s3_and_kinesis_paths" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_notification.input.lambda_function).filter_prefix == "incoming/" && one(aws_s3_bucket_notification.input.lambda_function).events == toset(["s3:ObjectCreated:*"])
    error_message = "the converter hears ObjectCreated under the input prefix only"
  }

  assert {
    condition     = length(module.bucket) == 1 && aws_s3_bucket_notification.input.bucket == "orders-in-123" && aws_s3_bucket_lifecycle_configuration.abort_multipart["input"].bucket == "orders-in-123"
    error_message = "only the input bucket is created (by modules/private-bucket); it gets the notification and the abort-multipart rule"
  }

  assert {
    condition = alltrue([
      aws_lambda_event_source_mapping.stream[0].function_response_types == toset(["ReportBatchItemFailures"]),
      aws_lambda_event_source_mapping.stream[0].bisect_batch_on_function_error,
      aws_lambda_event_source_mapping.stream[0].maximum_retry_attempts == 5,
      aws_lambda_event_source_mapping.stream[0].maximum_record_age_in_seconds == 3600,
      aws_lambda_event_source_mapping.stream[0].batch_size == 500,
    ])
    error_message = "the mapping reports partial failures, bisects, and bounds retries and age"
  }

  assert {
    condition     = aws_kinesis_stream.this[0].encryption_type == "KMS" && module.stream_failures_queue[0].kms_key_arn == null
    error_message = "stream and failure queue are encrypted"
  }
}

run "csv_safety_defaults_reach_both_functions" {
  command = plan

  assert {
    condition = local.csv_environment == {
      CSV_COLUMNS             = "[]"
      CSV_MAX_COLUMNS         = "1000"
      CSV_NEUTRALISE_FORMULAS = "true"
    }
    error_message = "formula neutralisation is on and the column cap is 1000 by default"
  }
}

run "csv_safety_settings_are_inputs" {
  command = plan

  variables {
    columns   = ["id", "customer.name"]
    csv       = { neutralise_formulas = false, max_columns = 50 }
    functions = { s3 = { ephemeral_storage_mb = 10240 } }
  }

  assert {
    condition = local.csv_environment == {
      CSV_COLUMNS             = "[\"id\",\"customer.name\"]"
      CSV_MAX_COLUMNS         = "50"
      CSV_NEUTRALISE_FORMULAS = "false"
    }
    error_message = "csv.* and columns are passed to the functions as environment variables"
  }
}

run "rejects_zero_columns_cap" {
  command = plan

  variables {
    csv = { max_columns = 0 }
  }

  expect_failures = [var.csv]
}

run "rejects_a_cap_wider_than_a_spreadsheet" {
  command = plan

  variables {
    csv = { max_columns = 16385 }
  }

  expect_failures = [var.csv]
}

run "rejects_tmp_below_lambda_minimum" {
  command = plan

  variables {
    functions = { s3 = { ephemeral_storage_mb = 256 } }
  }

  expect_failures = [var.functions]
}

run "stream_path_can_be_disabled" {
  command = plan

  variables {
    stream = { enabled = false }
  }

  assert {
    condition     = length(aws_kinesis_stream.this) == 0 && length(aws_lambda_event_source_mapping.stream) == 0 && output.stream_name == null
    error_message = "stream.enabled = false creates no Kinesis resources"
  }
}

run "separate_output_bucket_may_reuse_prefixes" {
  command = plan

  variables {
    input  = { bucket_name = "orders-in-123", prefix = "" }
    output = { bucket_name = "orders-out-123" }
  }

  assert {
    condition     = length(module.bucket) == 2 && module.bucket["output"].name == "orders-out-123" && output.output_bucket_name == "orders-out-123"
    error_message = "a separate output bucket is created and used"
  }
}

run "rejects_output_inside_input_prefix" {
  command = plan

  variables {
    input  = { bucket_name = "orders-in-123", prefix = "data/" }
    output = { prefix = "data/csv/" }
  }

  expect_failures = [var.output]
}

run "rejects_empty_input_prefix_in_one_bucket" {
  command = plan

  variables {
    input = { bucket_name = "orders-in-123", prefix = "" }
  }

  expect_failures = [var.output]
}

run "rejects_oversized_batch" {
  command = plan

  variables {
    stream = { batch_size = 20000 }
  }

  expect_failures = [var.stream]
}
