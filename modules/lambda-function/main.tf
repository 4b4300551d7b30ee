locals {
  create_alias = var.alias != null
  # An alias (and provisioned concurrency) must point at a published version.
  publish = var.publish || local.create_alias

  # source_code_hash is the package's base64 SHA-256 (what Lambda reports as CodeSha256). For an
  # S3 object the caller gives the hex digest (as sha256sum prints it); Terraform has no hex
  # decoder, so it is re-encoded here: 10 groups of 3 bytes give 4 characters each, the last
  # 2 bytes give 3 characters and one '=' of padding.
  base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  s3_sha256       = var.package.s3 == null ? null : lower(var.package.s3.sha256)
  s3_sha256_base64 = local.s3_sha256 == null ? null : join("", concat(
    [for group in range(10) : join("", [
      for shift in [18, 12, 6, 0] :
      substr(local.base64_alphabet, floor(parseint(substr(local.s3_sha256, group * 6, 6), 16) / pow(2, shift)) % 64, 1)
    ])],
    [for shift in [12, 6, 0] : substr(local.base64_alphabet, floor(parseint(substr(local.s3_sha256, 60, 4), 16) * 4 / pow(2, shift)) % 64, 1)],
    ["="],
  ))
}

################################################################################
# Log group: created BEFORE the function, so Lambda never auto-creates it with
# infinite retention (and a later apply never fails with "already exists").
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice, validated input log_retention_in_days (default 30 days); a one-year floor is an org compliance policy, not a module default.
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn

  filename          = var.package.file
  s3_bucket         = try(var.package.s3.bucket, null)
  s3_key            = try(var.package.s3.key, null)
  s3_object_version = try(var.package.s3.version, null)
  source_code_hash  = var.package.file != null ? filebase64sha256(var.package.file) : local.s3_sha256_base64
  handler           = var.handler
  runtime           = var.runtime
  architectures     = [var.architecture]
  layers            = var.layers

  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency
  publish                        = local.publish
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  # Only when above the default, so functions that keep it plan exactly as before.
  dynamic "ephemeral_storage" {
    for_each = var.ephemeral_storage_size == 512 ? [] : [var.ephemeral_storage_size]

    content {
      size = ephemeral_storage.value
    }
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_target_arn == null ? [] : [var.dead_letter_target_arn]

    content {
      target_arn = dead_letter_config.value
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "logging_config" {
    for_each = var.log_format == null ? [] : [var.log_format]

    content {
      log_format = logging_config.value
      log_group  = aws_cloudwatch_log_group.this.name
    }
  }

  tags = var.tags

  # The log group must exist first (else Lambda creates it, unmanaged, on the first
  # invocation), and the role's permissions must be in place before the first
  # invocation (VPC functions need the ENI permissions at create time).
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.this,
    aws_iam_role_policy_attachment.vpc,
  ]
}

################################################################################
# Alias and provisioned concurrency
################################################################################

resource "aws_lambda_alias" "this" {
  count = local.create_alias ? 1 : 0

  name             = var.alias.name
  description      = "Latest published version of ${var.name}"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_provisioned_concurrency_config" "this" {
  count = local.create_alias && try(var.alias.provisioned_concurrency, null) != null ? 1 : 0

  function_name                     = aws_lambda_alias.this[0].function_name
  qualifier                         = aws_lambda_alias.this[0].name
  provisioned_concurrent_executions = var.alias.provisioned_concurrency

  lifecycle {
    precondition {
      condition     = var.reserved_concurrency == -1 || var.alias.provisioned_concurrency <= var.reserved_concurrency
      error_message = "alias.provisioned_concurrency must not exceed reserved_concurrency when reserved_concurrency is set."
    }
  }
}

################################################################################
# Asynchronous invocation config (on the alias when there is one, since triggers
# should invoke the alias; otherwise on the unqualified function)
################################################################################

resource "aws_lambda_function_event_invoke_config" "this" {
  count = var.async_invoke == null ? 0 : 1

  function_name                = aws_lambda_function.this.function_name
  qualifier                    = local.create_alias ? aws_lambda_alias.this[0].name : null
  maximum_retry_attempts       = var.async_invoke.maximum_retry_attempts
  maximum_event_age_in_seconds = var.async_invoke.maximum_event_age_in_seconds

  dynamic "destination_config" {
    for_each = local.on_success_destination == null && local.on_failure_destination == null ? [] : [1]

    content {
      dynamic "on_success" {
        for_each = local.on_success_destination == null ? [] : [local.on_success_destination]

        content {
          destination = on_success.value
        }
      }

      dynamic "on_failure" {
        for_each = local.on_failure_destination == null ? [] : [local.on_failure_destination]

        content {
          destination = on_failure.value
        }
      }
    }
  }

  # The destination permissions live in the inline policy; Lambda checks them when the
  # config is written.
  depends_on = [aws_iam_role_policy.this]
}
