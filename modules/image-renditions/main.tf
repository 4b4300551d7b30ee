# Image renditions on upload: S3 (source) → renditions function (Pillow) → S3 (destination),
# chained on success to a report function that records the result in DynamoDB and optionally
# copies the renditions to a replica bucket; failed events land in an SQS queue.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  created        = { for k, b in var.buckets : k => b if b.create }
  source_name    = var.buckets.source.create ? module.bucket["source"].name : var.buckets.source.name
  dest_name      = var.buckets.destination.create ? module.bucket["destination"].name : var.buckets.destination.name
  source_arn     = "arn:${local.partition}:s3:::${local.source_name}"
  dest_arn       = "arn:${local.partition}:s3:::${local.dest_name}"
  replica_arn    = var.replica == null ? null : "arn:${local.partition}:s3:::${var.replica.bucket_name}"
  rendition_json = jsonencode({ for name, r in var.renditions : name => merge(r, { format = lower(r.format) }) })
  kms_statements = var.kms_key_arn == null ? [] : [{
    sid       = "UseScenarioKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }]
}

# ------------------------------------------------------------------ buckets (when created here)
module "bucket" {
  source   = "../private-bucket"
  for_each = local.created

  name          = each.value.name
  force_destroy = each.value.force_destroy
  versioning    = true
  kms_key_arn   = var.kms_key_arn
  tags          = var.tags
}

# ------------------------------------------------------------------ results and failures
resource "aws_dynamodb_table" "results" {
  #checkov:skip=CKV_AWS_119:A KMS CMK is a per-team choice, exposed as kms_key_arn; the default is AWS-owned encryption.
  name                        = "${var.name}-results"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "bucket"
  range_key                   = "key"
  deletion_protection_enabled = false

  attribute {
    name = "bucket"
    type = "S"
  }

  attribute {
    name = "key"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = var.kms_key_arn != null
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

# Events either function could not process after its retries (both async on-failure destinations).
module "on_failure_queue" {
  source = "../private-queue"

  name        = "${var.name}-failures"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

moved {
  from = aws_sqs_queue.on_failure
  to   = module.on_failure_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.on_failure
  to   = module.on_failure_queue.aws_sqs_queue_policy.this
}

# ------------------------------------------------------------------ chained report step
module "reporter" {
  source = "../lambda-function"

  name                  = "${var.name}-report"
  description           = "Records image renditions results in ${aws_dynamodb_table.results.name}"
  package               = var.packages.report
  handler               = "image_renditions_report.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.report.memory_size
  timeout               = var.functions.report.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.report.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  # The module's own variables come last (and var.functions' validation rejects them).
  environment_variables = merge(
    var.functions.report.environment_variables,
    {
      TABLE_NAME              = aws_dynamodb_table.results.name
      POWERTOOLS_SERVICE_NAME = "image-renditions-report"
    },
    var.replica == null ? {} : {
      REPLICA_BUCKET = var.replica.bucket_name
      REPLICA_REGION = var.replica.region
      REPLICA_PREFIX = var.replica.prefix
    },
  )

  async_invoke = {
    maximum_retry_attempts       = var.functions.report.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.report.maximum_event_age_in_seconds
    on_failure_destination       = module.on_failure_queue.arn
  }

  policy_statements = concat(
    [{
      sid       = "WriteResults"
      actions   = ["dynamodb:PutItem"]
      resources = [aws_dynamodb_table.results.arn]
    }],
    var.replica == null ? [] : [
      {
        sid       = "ReadRenditions"
        actions   = ["s3:GetObject"]
        resources = local.rendition_object_arns
      },
      {
        sid       = "WriteReplica"
        actions   = ["s3:PutObject"]
        resources = ["${local.replica_arn}/*"]
      },
    ],
    local.kms_statements,
  )
}

# ------------------------------------------------------------------ renditions function
locals {
  # Renditions are written to `<rendition>/<key stem>.<ext>`, quarantined uploads to
  # `<quarantine_prefix>/<key>`: nothing else in the destination bucket is the function's.
  rendition_object_arns = [for name in sort(keys(var.renditions)) : "${local.dest_arn}/${name}/*"]
  processor_write_arns = concat(
    local.rendition_object_arns,
    var.quarantine_prefix == null ? [] : ["${local.dest_arn}/${trimsuffix(var.quarantine_prefix, "/")}/*"],
  )

  processor_statements = concat(
    [
      {
        sid       = "ReadUploads"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = ["${local.source_arn}/*"]
      },
      {
        # PutObject for renditions and quarantine copies (CopyObject with TaggingDirective
        # REPLACE: no tagging permissions); GetObject for HeadObject (the idempotency check).
        sid       = "WriteRenditions"
        actions   = ["s3:PutObject", "s3:GetObject"]
        resources = local.processor_write_arns
      },
      {
        # Without ListBucket, HeadObject of a rendition not made yet answers 403 instead of 404.
        sid       = "ListRenditions"
        actions   = ["s3:ListBucket"]
        resources = [local.dest_arn]
      },
    ],
    local.kms_statements,
  )
}

module "processor" {
  source = "../lambda-function"

  name                  = "${var.name}-renditions"
  description           = "Renders images uploaded to ${local.source_name} into ${local.dest_name}"
  package               = var.packages.renditions
  handler               = "image_renditions.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.renditions.memory_size
  timeout               = var.functions.renditions.timeout
  layers                = [var.layers.powertools, var.layers.pillow]
  reserved_concurrency  = var.functions.renditions.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  # The module's own variables come last (and var.functions' validation rejects them).
  environment_variables = merge(
    var.functions.renditions.environment_variables,
    {
      DESTINATION_BUCKET      = local.dest_name
      RENDITIONS              = local.rendition_json
      MAX_OBJECT_BYTES        = tostring(var.limits.max_object_bytes)
      MAX_IMAGE_PIXELS        = tostring(var.limits.max_image_pixels)
      POWERTOOLS_SERVICE_NAME = "image-renditions"
    },
    var.quarantine_prefix == null ? {} : { QUARANTINE_PREFIX = var.quarantine_prefix },
  )

  async_invoke = {
    maximum_retry_attempts       = var.functions.renditions.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.renditions.maximum_event_age_in_seconds
    on_success_destination       = module.reporter.function_arn
    on_failure_destination       = module.on_failure_queue.arn
  }

  policy_statements = local.processor_statements
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3Uploads"
  action         = "lambda:InvokeFunction"
  function_name  = module.processor.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = local.source_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "source" {
  bucket = local.source_name

  lambda_function {
    id                  = "${var.name}-renditions"
    lambda_function_arn = module.processor.function_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.buckets.source.filter_prefix
    filter_suffix       = var.buckets.source.filter_suffix
  }

  lifecycle {
    precondition {
      condition     = var.quarantine_prefix == null || !contains(keys(var.renditions), split("/", coalesce(var.quarantine_prefix, "/"))[0])
      error_message = "quarantine_prefix: must not start with a rendition name (quarantined objects and renditions would share keys)."
    }
  }

  depends_on = [aws_lambda_permission.s3]
}
