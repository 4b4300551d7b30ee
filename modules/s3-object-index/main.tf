# S3 object events indexed into DynamoDB, and a synchronous query API over the index.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  created_buckets = { for k, b in var.buckets : k => b if b.create }
  bucket_names    = { for k, b in var.buckets : k => b.create ? module.bucket[k].name : b.name }
  bucket_arns     = { for k, name in local.bucket_names : k => "arn:${data.aws_partition.current.partition}:s3:::${name}" }
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

# ------------------------------------------------------------------ the index
resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:A KMS CMK is a per-team choice, exposed as kms_key_arn; the default is AWS-owned encryption.
  name                        = "${var.name}-index"
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

  ttl {
    attribute_name = "expires_at"
    enabled        = true
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

# Events the indexer could not process after its retries (the async on-failure destination).
module "on_failure_queue" {
  source = "../private-queue"

  name        = "${var.name}-indexer-failures"
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

# ------------------------------------------------------------------ indexer
locals {
  # The module's own variables come last: a caller's environment cannot make the code do what
  # the role does not allow (the validation of var.functions also rejects these keys).
  indexer_environment = merge(var.functions.indexer.environment_variables, {
    TABLE_NAME              = aws_dynamodb_table.this.name
    TOMBSTONE_TTL_DAYS      = tostring(var.tombstone_ttl_days)
    FETCH_CONTENT_TYPE      = tostring(var.fetch_content_type)
    POWERTOOLS_SERVICE_NAME = "s3-object-index"
  })

  indexer_statements = concat(
    [{
      # Conditional Puts, alone or in TransactWriteItems: authorised as dynamodb:PutItem per item.
      sid       = "WriteIndex"
      actions   = ["dynamodb:PutItem"]
      resources = [aws_dynamodb_table.this.arn]
    }],
    var.fetch_content_type ? [
      {
        # HeadObject is s3:GetObject, with the event's VersionId s3:GetObjectVersion.
        sid       = "HeadIndexedObjects"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [for arn in values(local.bucket_arns) : "${arn}/*"]
      },
      {
        # Without ListBucket, HeadObject of a key deleted before the lookup answers 403, not 404.
        sid       = "ListIndexedBuckets"
        actions   = ["s3:ListBucket"]
        resources = values(local.bucket_arns)
      },
    ] : [],
    var.kms_key_arn == null ? [] : [{
      # The on-failure queue and the table are encrypted with the key: Lambda sends failed events
      # with this role (GenerateDataKey, Decrypt); DynamoDB uses the key on the caller's behalf.
      sid       = "UseScenarioKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    }],
  )
}

module "indexer" {
  source = "../lambda-function"

  name                  = "${var.name}-indexer"
  description           = "Indexes S3 object events into ${aws_dynamodb_table.this.name}"
  package               = var.packages.indexer
  handler               = "s3_object_index.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.indexer.memory_size
  timeout               = var.functions.indexer.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.indexer.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  environment_variables = local.indexer_environment

  async_invoke = {
    maximum_retry_attempts       = var.functions.indexer.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.indexer.maximum_event_age_in_seconds
    on_failure_destination       = module.on_failure_queue.arn
  }

  policy_statements = local.indexer_statements
}

resource "aws_lambda_permission" "s3" {
  for_each = local.bucket_names

  statement_id   = "AllowS3-${each.key}"
  action         = "lambda:InvokeFunction"
  function_name  = module.indexer.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = local.bucket_arns[each.key]
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "this" {
  for_each = local.bucket_names

  bucket = each.value

  lambda_function {
    id                  = "${var.name}-index"
    lambda_function_arn = module.indexer.function_arn
    events              = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    filter_prefix       = var.buckets[each.key].filter_prefix
    filter_suffix       = var.buckets[each.key].filter_suffix
  }

  depends_on = [aws_lambda_permission.s3]
}
