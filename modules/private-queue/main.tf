# An encrypted, TLS-only SQS queue: the failure queues and dead-letter queues of every scenario.

resource "aws_sqs_queue" "this" {
  #checkov:skip=CKV2_AWS_73:A KMS CMK is a per-team choice, exposed as kms_key_arn; the default is SQS-managed SSE.
  name                              = var.name
  message_retention_seconds         = var.message_retention_seconds
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : var.kms_data_key_reuse_period_seconds
  tags                              = var.tags
}

# TLS only: every request made over plain HTTP is refused, whoever makes it. The caller's
# statements (e.g. a service allowed to send) are merged in: SQS keeps one policy per queue.
data "aws_iam_policy_document" "this" {
  source_policy_documents = var.policy_documents

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.this.arn]
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

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.url
  policy    = data.aws_iam_policy_document.this.json
}
