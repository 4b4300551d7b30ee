# JSON → CSV: objects arriving in S3 and records on a Kinesis stream become CSV objects.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition         = data.aws_partition.current.partition
  separate_output   = var.output.bucket_name != null && var.output.bucket_name != var.input.bucket_name
  output_bucket     = local.separate_output ? var.output.bucket_name : var.input.bucket_name
  input_bucket_arn  = "arn:${local.partition}:s3:::${var.input.bucket_name}"
  output_bucket_arn = "arn:${local.partition}:s3:::${local.output_bucket}"
  created_buckets = merge(
    var.input.create ? { input = { name = var.input.bucket_name, force_destroy = var.input.force_destroy, versioning = var.input.versioning } } : {},
    local.separate_output && var.output.create ? { output = { name = var.output.bucket_name, force_destroy = var.output.force_destroy, versioning = false } } : {},
  )
  columns_json = jsonencode(var.columns)
  csv_environment = {
    CSV_COLUMNS             = local.columns_json
    CSV_MAX_COLUMNS         = tostring(var.csv.max_columns)
    CSV_NEUTRALISE_FORMULAS = tostring(var.csv.neutralise_formulas)
  }
  stream_arn = var.stream.enabled ? (var.stream.stream_arn != null ? var.stream.stream_arn : aws_kinesis_stream.this[0].arn) : null
}

# ------------------------------------------------------------------ buckets (when created here)
module "bucket" {
  source   = "../private-bucket"
  for_each = local.created_buckets

  name          = each.value.name
  force_destroy = each.value.force_destroy
  versioning    = each.value.versioning
  kms_key_arn   = var.kms_key_arn
  tags          = var.tags
}

# Incomplete multipart uploads (a converter killed mid-object) are removed after a day.
resource "aws_s3_bucket_lifecycle_configuration" "abort_multipart" {
  for_each = local.created_buckets

  bucket = module.bucket[each.key].name
  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# ------------------------------------------------------------------ S3 path
# Events the converter failed on after its retries (AWS errors; bad content is quarantined).
module "s3_failures_queue" {
  source = "../private-queue"

  name        = "${var.name}-s3-failures"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

moved {
  from = aws_sqs_queue.s3_failures
  to   = module.s3_failures_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.s3_failures
  to   = module.s3_failures_queue.aws_sqs_queue_policy.this
}

locals {
  # Both functions: SSE-KMS objects (read, write, multipart), the stream and the failure queues
  # (Lambda sends failed events and batches with the function's role) use the scenario key.
  kms_statements = var.kms_key_arn == null ? [] : [{
    sid       = "UseScenarioKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }]

  converter_statements = concat(
    [
      {
        sid       = "ReadInput"
        actions   = ["s3:GetObject"]
        resources = ["${local.input_bucket_arn}/${var.input.prefix}*"]
      },
      {
        # Without ListBucket, GetObject of a key deleted before the converter ran answers 403
        # (retried, then the failure queue) instead of 404 (skipped as superseded).
        sid       = "ListInput"
        actions   = ["s3:ListBucket"]
        resources = [local.input_bucket_arn]
      },
      {
        # PutObject covers CreateMultipartUpload/UploadPart/CompleteMultipartUpload.
        sid     = "WriteOutput"
        actions = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        resources = [
          "${local.output_bucket_arn}/${var.output.prefix}*",
          "${local.output_bucket_arn}/${var.output.quarantine_prefix}*",
        ]
      },
    ],
    local.kms_statements,
  )

  stream_statements = var.stream.enabled ? concat(
    [
      {
        # Lambda's poller reads the stream with the function's role; ListStreams is left out
        # (account-wide, not needed when the mapping names the stream), and so is
        # SubscribeToShard (enhanced fan-out consumers only; the mapping uses none).
        sid = "ReadStream"
        actions = [
          "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
          "kinesis:GetShardIterator", "kinesis:ListShards",
        ]
        resources = [local.stream_arn]
      },
      {
        sid       = "SendFailedBatches"
        actions   = ["sqs:SendMessage"]
        resources = [module.stream_failures_queue[0].arn]
      },
      {
        sid     = "WriteBatches"
        actions = ["s3:PutObject", "s3:DeleteObject"]
        resources = [
          "${local.output_bucket_arn}/${var.output.stream_prefix}*",
          "${local.output_bucket_arn}/${var.output.stream_quarantine_prefix}*",
        ]
      },
    ],
    local.kms_statements,
  ) : []
}

module "converter" {
  source = "../lambda-function"

  name                   = "${var.name}-s3"
  description            = "Converts JSON objects under s3://${var.input.bucket_name}/${var.input.prefix} to CSV"
  package                = var.packages.s3
  handler                = "json_to_csv_s3.handler.lambda_handler"
  runtime                = var.runtime
  architecture           = var.architecture
  memory_size            = var.functions.s3.memory_size
  timeout                = var.functions.s3.timeout
  ephemeral_storage_size = var.functions.s3.ephemeral_storage_mb
  layers                 = [var.layers.powertools]
  reserved_concurrency   = var.functions.s3.reserved_concurrency
  log_retention_in_days  = var.log_retention_in_days
  tags                   = var.tags

  # The module's own variables come last: a caller's environment cannot point the code at what
  # the role does not allow (var.functions' validation also rejects these keys).
  environment_variables = merge(var.functions.s3.environment_variables, {
    INPUT_BUCKET            = var.input.bucket_name
    INPUT_PREFIX            = var.input.prefix
    OUTPUT_BUCKET           = local.output_bucket
    OUTPUT_PREFIX           = var.output.prefix
    QUARANTINE_PREFIX       = var.output.quarantine_prefix
    MAX_RECORD_CHARS        = tostring(var.input.max_record_chars)
    POWERTOOLS_SERVICE_NAME = "json-to-csv-s3"
  }, local.csv_environment)

  async_invoke = {
    maximum_retry_attempts       = var.functions.s3.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.s3.maximum_event_age_in_seconds
    on_failure_destination       = module.s3_failures_queue.arn
  }

  policy_statements = local.converter_statements
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3Input"
  action         = "lambda:InvokeFunction"
  function_name  = module.converter.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = local.input_bucket_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "input" {
  bucket = var.input.create ? module.bucket["input"].name : var.input.bucket_name

  lambda_function {
    id                  = "${var.name}-json-to-csv"
    lambda_function_arn = module.converter.function_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.input.prefix == "" ? null : var.input.prefix
  }

  depends_on = [aws_lambda_permission.s3]
}

# ------------------------------------------------------------------ Kinesis path
resource "aws_kinesis_stream" "this" {
  count = var.stream.enabled && var.stream.stream_arn == null ? 1 : 0

  name             = "${var.name}-records"
  shard_count      = var.stream.shard_count
  retention_period = var.stream.retention_hours
  encryption_type  = "KMS"
  kms_key_id       = var.kms_key_arn == null ? "alias/aws/kinesis" : var.kms_key_arn
  tags             = var.tags

  stream_mode_details {
    stream_mode = "PROVISIONED"
  }
}

# Batches the stream function gave up on (retries exhausted or records too old): the message
# names the shard and sequence range, so the records can be re-read while the stream keeps them.
module "stream_failures_queue" {
  source = "../private-queue"
  count  = var.stream.enabled ? 1 : 0

  name        = "${var.name}-stream-failures"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

moved {
  from = aws_sqs_queue.stream_failures[0]
  to   = module.stream_failures_queue[0].aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.stream_failures[0]
  to   = module.stream_failures_queue[0].aws_sqs_queue_policy.this
}

module "stream_converter" {
  source = "../lambda-function"
  count  = var.stream.enabled ? 1 : 0

  name                  = "${var.name}-stream"
  description           = "Converts Kinesis JSON records to one CSV object per batch"
  package               = var.packages.stream
  handler               = "json_to_csv_stream.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.stream.memory_size
  timeout               = var.functions.stream.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.stream.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  environment_variables = merge(var.functions.stream.environment_variables, {
    OUTPUT_BUCKET           = local.output_bucket
    OUTPUT_PREFIX           = var.output.stream_prefix
    QUARANTINE_PREFIX       = var.output.stream_quarantine_prefix
    POWERTOOLS_SERVICE_NAME = "json-to-csv-stream"
  }, local.csv_environment)

  policy_statements = local.stream_statements
}

resource "aws_lambda_event_source_mapping" "stream" {
  count = var.stream.enabled ? 1 : 0

  event_source_arn                   = local.stream_arn
  function_name                      = module.stream_converter[0].function_arn
  starting_position                  = var.stream.starting_position
  batch_size                         = var.stream.batch_size
  maximum_batching_window_in_seconds = var.stream.maximum_batching_window_in_seconds
  bisect_batch_on_function_error     = var.stream.bisect_batch_on_function_error
  maximum_retry_attempts             = var.functions.stream.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.functions.stream.maximum_event_age_in_seconds
  parallelization_factor             = var.stream.parallelization_factor
  function_response_types            = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = module.stream_failures_queue[0].arn
    }
  }
}
