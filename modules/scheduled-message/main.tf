# A daily EventBridge Scheduler schedule → message function → SES, recipients in DynamoDB.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  hour       = tonumber(split(":", var.schedule.time)[0])
  minute     = tonumber(split(":", var.schedule.time)[1])
}

resource "aws_dynamodb_table" "recipients" {
  #checkov:skip=CKV_AWS_119:A KMS CMK is a per-team choice, exposed as kms_key_arn; the default is AWS-owned encryption.
  name                        = "${var.name}-recipients"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "recipient_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "recipient_id"
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

resource "aws_ses_email_identity" "sender" {
  count = var.sender.create_identity ? 1 : 0

  email = var.sender.email
}

# Runs the schedule could not deliver and invocations that failed after Lambda's retries.
module "failures_queue" {
  source = "../private-queue"

  name        = "${var.name}-failures"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

moved {
  from = aws_sqs_queue.failures
  to   = module.failures_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.failures
  to   = module.failures_queue.aws_sqs_queue_policy.this
}

module "function" {
  source = "../lambda-function"

  name                  = "${var.name}-sender"
  description           = "Sends the scheduled messages of ${aws_dynamodb_table.recipients.name}"
  package               = var.packages.sender
  handler               = "scheduled_message.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.sender.memory_size
  timeout               = var.functions.sender.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.sender.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  # The module's own variables come last (and var.functions' validation rejects them).
  environment_variables = merge(
    var.functions.sender.environment_variables,
    {
      POWERTOOLS_SERVICE_NAME = "scheduled-message"
      TABLE_NAME              = aws_dynamodb_table.recipients.name
      SENDER                  = var.sender.email
      SUBJECT_TEMPLATE        = var.message.subject
      BODY_TEMPLATE           = var.message.body
      DEFAULT_TIME_ZONE       = var.schedule.time_zone
    },
    var.message.html == null ? {} : { HTML_TEMPLATE = var.message.html },
  )

  # Scheduler retries the run itself; a Lambda-level retry on top would only repeat them.
  async_invoke = {
    maximum_retry_attempts       = 0
    maximum_event_age_in_seconds = var.functions.sender.maximum_event_age_in_seconds
    on_failure_destination       = module.failures_queue.arn
  }

  policy_statements = concat(
    [{
      sid       = "ReadRecipientsRecordSends"
      actions   = ["dynamodb:Scan", "dynamodb:UpdateItem"]
      resources = [aws_dynamodb_table.recipients.arn]
      }, {
      # SES authorises sending against every identity involved (in the sandbox the recipients'
      # too), so the statement covers this account's identities, limited to the one sender.
      sid       = "SendAsConfiguredSender"
      actions   = ["ses:SendEmail"]
      resources = ["arn:${local.partition}:ses:${local.region}:${local.account_id}:identity/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "ses:FromAddress"
        values   = [var.sender.email]
      }]
    }],
    var.kms_key_arn == null ? [] : [{
      sid       = "UseTableAndQueueKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    }],
  )
}

# ------------------------------------------------------------------ the schedule
data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-scheduler"
  description        = "Lets the ${var.name} schedule invoke its function"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeMessageFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [module.function.function_arn]
  }

  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [module.failures_queue.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseQueueKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-${var.name}-sender"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "daily" {
  #checkov:skip=CKV_AWS_297:The schedule holds no data beyond its static input; kms_key_arn (if set) encrypts it.
  kms_key_arn                  = var.kms_key_arn
  name                         = "${var.name}-daily"
  description                  = "Daily scheduled messages at ${var.schedule.time} ${var.schedule.time_zone}"
  schedule_expression          = "cron(${local.minute} ${local.hour} * * ? *)"
  schedule_expression_timezone = var.schedule.time_zone
  state                        = var.schedule.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.function.function_arn
    role_arn = aws_iam_role.scheduler.arn
    # Scheduler fills in the context attributes; the function takes "today" from scheduled_time.
    # A literal string, not jsonencode(): jsonencode escapes < and > as \u003c/\u003e and
    # Scheduler would no longer recognise the placeholders.
    input = "{\"scheduled_time\": \"<aws.scheduler.scheduled-time>\", \"schedule_arn\": \"<aws.scheduler.schedule-arn>\", \"execution_id\": \"<aws.scheduler.execution-id>\"}"

    retry_policy {
      maximum_retry_attempts       = var.functions.sender.maximum_retry_attempts
      maximum_event_age_in_seconds = var.functions.sender.maximum_event_age_in_seconds
    }

    dead_letter_config {
      arn = module.failures_queue.arn
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
