# Plan-only tests of modules/private-queue with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "photos-failures"
}

run "defaults_are_sse_sqs_tls_only_and_fourteen_days" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.name == "photos-failures" && aws_sqs_queue.this.message_retention_seconds == 1209600
    error_message = "the queue keeps its messages for 14 days by default"
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled == true && aws_sqs_queue.this.kms_master_key_id == null
    error_message = "without a KMS key the queue uses SQS-managed SSE"
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.this.statement :
      s.sid == "DenyInsecureTransport" && s.effect == "Deny" && s.actions == toset(["sqs:*"]) &&
      anytrue([for p in s.principals : p.type == "*" && p.identifiers == toset(["*"])]) &&
      anytrue([for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ])
    error_message = "the queue policy denies every request made without TLS, for every principal"
  }

  assert {
    condition     = aws_sqs_queue_policy.this.queue_url == aws_sqs_queue.this.url
    error_message = "the TLS-only policy is attached to the queue"
  }

  assert {
    condition     = output.arn == aws_sqs_queue.this.arn && output.url == aws_sqs_queue.this.url && output.name == "photos-failures" && output.kms_key_arn == null
    error_message = "outputs name the queue"
  }
}

run "kms_key_switches_to_sse_kms" {
  command = plan

  variables {
    kms_key_arn                       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    kms_data_key_reuse_period_seconds = 3600
    message_retention_seconds         = 345600
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.this.sqs_managed_sse_enabled != true
    error_message = "with a KMS key the queue uses SSE-KMS with it, not SSE-SQS"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_data_key_reuse_period_seconds == 3600 && aws_sqs_queue.this.message_retention_seconds == 345600
    error_message = "reuse period and retention are passed through"
  }
}

run "extra_policy_documents_are_merged" {
  command = plan

  variables {
    policy_documents = [jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "EventsSend"
        Effect    = "Allow"
        Action    = "sqs:SendMessage"
        Resource  = "*"
        Principal = { Service = "events.amazonaws.com" }
      }]
    })]
  }

  assert {
    condition     = length(data.aws_iam_policy_document.this.source_policy_documents) == 1 && anytrue([for s in data.aws_iam_policy_document.this.statement : s.sid == "DenyInsecureTransport"])
    error_message = "the caller's statements are merged with the TLS-only one"
  }
}
