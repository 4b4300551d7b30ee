# Plan-only unit tests of modules/lambda-function with a mocked AWS provider (offline).
# Run: terraform -chdir=modules/lambda-function test   (tests/ is the default test directory)

mock_provider "aws" {
  # Computed attributes get the mocked values already at plan time (Terraform >= 1.11), so the
  # policy document built from the log group ARN is known and can be asserted on.
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "orders-handler"
  # Relative to the module directory (terraform -chdir=modules/lambda-function).
  package = { file = "tests/fixtures/handler.zip" }
}

run "defaults_plan" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/orders-handler"
    error_message = "log group must be /aws/lambda/<name>"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "default log retention must be 30 days"
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "orders-handler" && aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.handler == "app.handler"
    error_message = "function name/runtime/handler defaults are wrong"
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256(var.package.file)
    error_message = "source_code_hash must be the zip's base64 SHA-256"
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 30
    error_message = "architecture/memory/timeout defaults are wrong"
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1 && aws_lambda_function.this.publish == false
    error_message = "default must be unreserved and unpublished"
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "PassThrough" && length(aws_lambda_function.this.environment) == 0 && length(aws_lambda_function.this.logging_config) == 0
    error_message = "default tracing must be PassThrough, no environment block, no logging_config"
  }

  assert {
    condition     = aws_iam_role.this.name == "orders-handler" && aws_iam_role.this.permissions_boundary == null
    error_message = "role must be named after the function, no boundary by default"
  }

  assert {
    condition = (
      length(data.aws_iam_policy_document.assume_role.statement) == 1 &&
      data.aws_iam_policy_document.assume_role.statement[0].actions == toset(["sts:AssumeRole"]) &&
      length(data.aws_iam_policy_document.assume_role.statement[0].principals) == 1 &&
      one(data.aws_iam_policy_document.assume_role.statement[0].principals).type == "Service" &&
      one(data.aws_iam_policy_document.assume_role.statement[0].principals).identifiers == toset(["lambda.amazonaws.com"])
    )
    error_message = "the role must trust lambda.amazonaws.com only"
  }

  # The only statement by default: write to the function's OWN log group.
  assert {
    condition     = length(data.aws_iam_policy_document.this.statement) == 1
    error_message = "default policy must have exactly one statement"
  }

  assert {
    condition = (
      data.aws_iam_policy_document.this.statement[0].sid == "WriteOwnLogGroup" &&
      data.aws_iam_policy_document.this.statement[0].actions == toset(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
      data.aws_iam_policy_document.this.statement[0].resources == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/mock:*"])
    )
    error_message = "logs statement must allow CreateLogStream/PutLogEvents on <own log group arn>:* only (no CreateLogGroup)"
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : !contains(s.resources, "*")])
    error_message = "default policy must not contain a \"*\" resource"
  }

  assert {
    condition     = aws_iam_role_policy.this.policy == data.aws_iam_policy_document.this.json && can(jsondecode(aws_iam_role_policy.this.policy))
    error_message = "the inline policy must be the generated document"
  }

  assert {
    condition = (
      length(aws_lambda_alias.this) == 0 &&
      length(aws_lambda_provisioned_concurrency_config.this) == 0 &&
      length(aws_lambda_function_event_invoke_config.this) == 0 &&
      length(aws_iam_role_policy_attachment.vpc) == 0
    )
    error_message = "no alias, provisioned concurrency, event-invoke config or VPC policy by default"
  }

  assert {
    condition     = output.alias_arn == null && output.log_group_name == "/aws/lambda/orders-handler"
    error_message = "alias_arn must be null without an alias"
  }

  assert {
    condition     = length(aws_lambda_function.this.ephemeral_storage) == 0
    error_message = "the default /tmp (512 MB) plans no ephemeral_storage block"
  }
}

run "larger_tmp" {
  command = plan

  variables {
    ephemeral_storage_size = 4096
  }

  assert {
    condition     = aws_lambda_function.this.ephemeral_storage[0].size == 4096
    error_message = "ephemeral_storage_size sets the size of /tmp"
  }
}

run "settings_pass_through" {
  command = plan

  variables {
    description           = "Handles orders"
    handler               = "orders.handler.main"
    runtime               = "python3.13"
    architecture          = "arm64"
    memory_size           = 1024
    timeout               = 900
    environment_variables = { LOG_LEVEL = "INFO", TABLE_NAME = "orders" }
    kms_key_arn           = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    layers                = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:7"]
    reserved_concurrency  = 0
    log_retention_in_days = 365
    log_kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    log_format            = "JSON"
    role_name             = "orders-handler-eu-west-1"
    tags                  = { team = "platform" }

    role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/boundary"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "INFO", TABLE_NAME = "orders" })
    error_message = "environment variables must be passed through"
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.reserved_concurrent_executions == 0
    error_message = "architecture/runtime/reserved concurrency must be passed through"
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/orders-handler"
    error_message = "log_format must set logging_config pointing at the module's log group"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.log_kms_key_arn
    error_message = "log retention / KMS key must be passed through"
  }

  assert {
    condition     = aws_iam_role.this.name == "orders-handler-eu-west-1" && aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "role_name / permissions boundary must be passed through"
  }

  assert {
    condition     = aws_lambda_function.this.tags["team"] == "platform" && aws_iam_role.this.tags["team"] == "platform" && aws_cloudwatch_log_group.this.tags["team"] == "platform"
    error_message = "tags must reach function, role and log group"
  }
}

run "missing_package_fails_with_run_make_build" {
  command = plan

  variables {
    package = { file = "../../build/does-not-exist.zip" }
  }

  # The error message (asserted by name here) says: "... run make build first ...".
  expect_failures = [var.package]
}
