# CloudWatch alarms → encrypted SNS topic → notifier function → email (SES), SNS topic, webhook.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  kms_key    = var.kms_key_arn != null ? var.kms_key_arn : aws_kms_key.this[0].arn

  create_webhook_parameter = var.webhook != null && try(var.webhook.url_parameter_name, null) == null
  webhook_parameter_name   = var.webhook == null ? null : (local.create_webhook_parameter ? "/${var.name}/webhook-url" : var.webhook.url_parameter_name)
  has_channel              = var.email != null || var.notification_topic != null || var.webhook != null
  alarm_arns               = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"
}

# ------------------------------------------------------------------ encryption key
data "aws_iam_policy_document" "key" {
  count = var.kms_key_arn == null ? 1 : 0

  source_policy_documents = [data.aws_iam_policy_document.service_key_use.json]

  #checkov:skip=CKV_AWS_109:A key policy's resource is always the key itself ("*" means this key).
  #checkov:skip=CKV_AWS_111:A key policy's resource is always the key itself ("*" means this key).
  #checkov:skip=CKV_AWS_356:A key policy's resource is always the key itself ("*" means this key).
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

}

# What CloudWatch needs in the policy of the topics' key: used by the key this module creates,
# and an output (service_key_policy_json) for a key the caller brings.
data "aws_iam_policy_document" "service_key_use" {
  #checkov:skip=CKV_AWS_109:A key policy's resource is always the key itself ("*" means this key).
  #checkov:skip=CKV_AWS_111:A key policy's resource is always the key itself ("*" means this key).
  #checkov:skip=CKV_AWS_356:A key policy's resource is always the key itself ("*" means this key).
  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arns]
    }
  }
}

resource "aws_kms_key" "this" {
  count = var.kms_key_arn == null ? 1 : 0

  description             = "${var.name}: alarm and notification topics, webhook URL, failure queue"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.key[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.kms_key_arn == null ? 1 : 0

  name          = "alias/${var.name}-alarm-notifier"
  target_key_id = aws_kms_key.this[0].key_id
}

# ------------------------------------------------------------------ the alarm topic
resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = local.kms_key
  tags              = var.tags

  lifecycle {
    precondition {
      condition     = local.has_channel
      error_message = "alarm-notifier: configure at least one delivery channel (email, notification_topic or webhook)."
    }
    precondition {
      condition     = !local.create_webhook_parameter || var.webhook_url != null
      error_message = "alarm-notifier: webhook without url_parameter_name needs webhook_url (the module stores it in SSM)."
    }
  }
}

data "aws_iam_policy_document" "alarm_topic" {
  # The account administers the topic through IAM, but may not publish: a forged alarm would be
  # relayed to email and the webhook. Only CloudWatch (this account's alarms) and the named
  # publishers may.
  statement {
    sid       = "AccountManagesTopic"
    actions   = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsOfThisAccountPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arns]
    }
  }

  dynamic "statement" {
    for_each = length(var.publishers) == 0 ? [] : [var.publishers]

    content {
      sid       = "NamedPublishers"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alarms.arn]
      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarm_topic.json
}

# ------------------------------------------------------------------ alarms
locals {
  alarm_actions             = [aws_sns_topic.alarms.arn]
  ok_actions                = var.notify_on_ok ? [aws_sns_topic.alarms.arn] : []
  insufficient_data_actions = var.notify_on_insufficient_data ? [aws_sns_topic.alarms.arn] : []
  log_namespace             = "${var.name}/logs"
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  for_each = toset(var.cpu_alarms.instance_ids)

  alarm_name          = "${var.name}-cpu-${each.value}"
  alarm_description   = "CPU utilisation of ${each.value} above ${var.cpu_alarms.threshold}%"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  dimensions          = { InstanceId = each.value }
  statistic           = "Average"
  period              = var.cpu_alarms.period
  evaluation_periods  = var.cpu_alarms.evaluation_periods
  datapoints_to_alarm = var.cpu_alarms.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cpu_alarms.threshold
  treat_missing_data  = var.cpu_alarms.treat_missing_data

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient_data_actions
  tags                      = var.tags

  depends_on = [aws_sns_topic_policy.alarms]
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = var.log_alarms

  name           = "${var.name}-${each.key}"
  log_group_name = each.value.log_group_name
  pattern        = each.value.pattern

  metric_transformation {
    name          = each.key
    namespace     = local.log_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "log" {
  for_each = var.log_alarms

  alarm_name          = "${var.name}-log-${each.key}"
  alarm_description   = coalesce(each.value.description, "Lines of ${each.value.log_group_name} matching ${each.value.pattern}")
  namespace           = local.log_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.this[each.key].metric_transformation[0].name
  statistic           = "Sum"
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient_data_actions
  tags                      = var.tags

  depends_on = [aws_sns_topic_policy.alarms]
}

# ------------------------------------------------------------------ the notifier
module "on_failure_queue" {
  source = "../private-queue"

  name                              = "${var.name}-notifier-failures"
  kms_key_arn                       = local.kms_key
  kms_data_key_reuse_period_seconds = 3600
  tags                              = var.tags
}

moved {
  from = aws_sqs_queue.on_failure
  to   = module.on_failure_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.on_failure
  to   = module.on_failure_queue.aws_sqs_queue_policy.this
}

# One Powertools idempotency record per alarm state change and channel: an SNS re-delivery
# (at least once), a Lambda retry or a redrive of the same change repeats only the channels that
# have not delivered it. Records expire (TTL) after delivery_record_retention_days.
resource "aws_dynamodb_table" "deliveries" {
  #checkov:skip=CKV_AWS_28:Short-lived idempotency records; a restore would only re-allow a notification.
  name         = "${var.name}-notifier-deliveries"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key
  }

  tags = var.tags
}

locals {
  function_statements = concat(
    [{
      # Powertools idempotency: create the record (conditional put), read it when the put finds
      # one, complete it, delete it when the channel failed (so a retry sends again).
      sid       = "RecordEachDeliveryOnce"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [aws_dynamodb_table.deliveries.arn]
    }],
    [{
      # The module's key (topics, queue, the stored webhook URL) and an existing webhook
      # parameter's own key: GetParameter with decryption needs kms:Decrypt on it.
      sid       = "UseModuleKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = compact([local.kms_key, try(var.webhook.url_parameter_kms_key_arn, null)])
    }],
    var.email == null ? [] : [{
      # SES authorises sending against every identity involved (in the sandbox the recipients'
      # too), so the statement covers this account's identities, limited to the one sender.
      sid       = "SendAsConfiguredSender"
      actions   = ["ses:SendEmail"]
      resources = ["arn:${local.partition}:ses:${local.region}:${local.account_id}:identity/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "ses:FromAddress"
        values   = [var.email.sender]
      }]
    }],
    var.notification_topic == null ? [] : [{
      sid       = "PublishNotifications"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.notifications[0].arn]
    }],
    var.webhook == null ? [] : [{
      sid       = "ReadWebhookUrl"
      actions   = ["ssm:GetParameter"]
      resources = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.webhook_parameter_name}"]
    }],
    var.lookup_resource_names ? [{
      # ec2:DescribeInstances does not support resource-level permissions.
      sid                     = "LookUpInstanceNames"
      actions                 = ["ec2:DescribeInstances"]
      resources               = ["*"]
      allow_wildcard_resource = true
    }] : [],
  )
}

module "function" {
  source = "../lambda-function"

  name                  = "${var.name}-notifier"
  description           = "Turns CloudWatch alarm notifications into email, SNS and webhook messages"
  package               = var.packages.notifier
  handler               = "alarm_notifier.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.notifier.memory_size
  timeout               = var.functions.notifier.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.notifier.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  # The module's own variables come last (and var.functions' validation rejects them).
  environment_variables = merge(
    var.functions.notifier.environment_variables,
    {
      POWERTOOLS_SERVICE_NAME = "alarm-notifier"
      LOOKUP_RESOURCE_NAMES   = tostring(var.lookup_resource_names)
      DELIVERY_TABLE_NAME     = aws_dynamodb_table.deliveries.name
      DELIVERY_RECORD_DAYS    = tostring(var.delivery_record_retention_days)
    },
    var.email == null ? {} : {
      EMAIL_SENDER     = var.email.sender
      EMAIL_RECIPIENTS = join(",", var.email.recipients)
    },
    var.notification_topic == null ? {} : { NOTIFICATION_TOPIC_ARN = aws_sns_topic.notifications[0].arn },
    var.webhook == null ? {} : {
      WEBHOOK_URL_PARAMETER   = local.webhook_parameter_name
      WEBHOOK_TIMEOUT_SECONDS = tostring(var.webhook.timeout_seconds)
    },
  )

  async_invoke = {
    maximum_retry_attempts       = var.functions.notifier.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.notifier.maximum_event_age_in_seconds
    on_failure_destination       = module.on_failure_queue.arn
  }

  policy_statements = local.function_statements
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AllowAlarmTopic"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.alarms.arn
}

resource "aws_sns_topic_subscription" "function" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "lambda"
  endpoint  = module.function.function_arn

  depends_on = [aws_lambda_permission.sns]
}
