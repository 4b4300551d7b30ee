# Delivery channels of the notifier: SES sender identity, notification topic, webhook URL.

resource "aws_ses_email_identity" "sender" {
  count = var.email != null && try(var.email.create_sender_identity, false) ? 1 : 0

  email = var.email.sender
}

resource "aws_sns_topic" "notifications" {
  count = var.notification_topic == null ? 0 : 1

  name              = "${var.name}-notifications"
  kms_master_key_id = local.kms_key
  tags              = var.tags
}

resource "aws_sns_topic_policy" "notifications" {
  count = var.notification_topic == null ? 0 : 1

  arn    = aws_sns_topic.notifications[0].arn
  policy = data.aws_iam_policy_document.notification_topic[0].json
}

# Publishing (the notifier) and subscribing are granted by IAM policies of this account; the
# topic policy only refuses plain HTTP.
data "aws_iam_policy_document" "notification_topic" {
  count = var.notification_topic == null ? 0 : 1

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes"]
    resources = [aws_sns_topic.notifications[0].arn]
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

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.notification_topic == null ? [] : var.notification_topic.email_subscriptions)

  topic_arn = aws_sns_topic.notifications[0].arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "sms" {
  for_each = toset(var.notification_topic == null ? [] : var.notification_topic.sms_subscriptions)

  topic_arn = aws_sns_topic.notifications[0].arn
  protocol  = "sms"
  endpoint  = each.value
}

resource "aws_ssm_parameter" "webhook_url" {
  count = local.create_webhook_parameter ? 1 : 0

  name        = local.webhook_parameter_name
  description = "Webhook URL of ${var.name} alarm notifications (secret: anyone holding it can post)"
  type        = "SecureString"
  key_id      = local.kms_key
  value       = var.webhook_url
  tags        = var.tags
}
