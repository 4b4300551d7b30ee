variable "name" {
  description = "Queue name (standard queue)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name: SQS queue names are 1-80 characters of letters, digits, '-' and '_' (SQS naming rule)."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for server-side encryption (SSE-KMS). null = SQS-managed SSE (SSE-SQS). Whoever sends to the queue needs kms:GenerateDataKey and kms:Decrypt on this key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "With kms_key_arn: how long SQS reuses a data key before calling KMS again (60-86400 s)."
  type        = number
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds: must be between 60 and 86400 (SQS limit)."
  }
}

variable "message_retention_seconds" {
  description = "How long a message is kept (60 s to 14 days); the default, the maximum, leaves time to inspect and redrive failures."
  type        = number
  default     = 1209600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds: must be between 60 and 1209600 (SQS limit)."
  }
}

variable "policy_documents" {
  description = "Extra queue policy documents (JSON, e.g. from aws_iam_policy_document) merged with the TLS-only statement. Statement ids must be unique."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the queue."
  type        = map(string)
  default     = {}
}
