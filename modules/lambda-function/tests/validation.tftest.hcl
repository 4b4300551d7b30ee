# Every input rule rejects bad values at plan time (expect_failures names the variable).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name    = "orders-handler"
  package = { file = "tests/fixtures/handler.zip" }
}

run "rejects_memory_64" {
  command = plan
  variables { memory_size = 64 }
  expect_failures = [var.memory_size]
}

run "rejects_memory_20000" {
  command = plan
  variables { memory_size = 20000 }
  expect_failures = [var.memory_size]
}

run "rejects_ephemeral_storage_256" {
  command = plan
  variables { ephemeral_storage_size = 256 }
  expect_failures = [var.ephemeral_storage_size]
}

run "rejects_timeout_0" {
  command = plan
  variables { timeout = 0 }
  expect_failures = [var.timeout]
}

run "rejects_timeout_901" {
  command = plan
  variables { timeout = 901 }
  expect_failures = [var.timeout]
}

run "rejects_runtime_python27" {
  command = plan
  variables { runtime = "python2.7" }
  expect_failures = [var.runtime]
}

run "rejects_runtime_nodejs20" {
  command = plan
  variables { runtime = "nodejs20.x" }
  expect_failures = [var.runtime]
}

run "rejects_architecture" {
  command = plan
  variables { architecture = "arm" }
  expect_failures = [var.architecture]
}

run "rejects_retries_3" {
  command = plan
  variables { async_invoke = { maximum_retry_attempts = 3 } }
  expect_failures = [var.async_invoke]
}

run "rejects_event_age_30" {
  command = plan
  variables { async_invoke = { maximum_event_age_in_seconds = 30 } }
  expect_failures = [var.async_invoke]
}

run "rejects_destination_not_a_supported_arn" {
  command = plan
  variables { async_invoke = { on_failure_destination = "arn:aws:s3:::my-bucket" } }
  expect_failures = [var.async_invoke]
}

run "rejects_name_with_space" {
  command = plan
  variables { name = "orders handler" }
  expect_failures = [var.name]
}

run "rejects_name_65_chars" {
  command = plan
  variables { name = "a234567890123456789012345678901234567890123456789012345678901234x" }
  expect_failures = [var.name]
}

run "rejects_empty_name" {
  command = plan
  variables { name = "" }
  expect_failures = [var.name]
}

run "rejects_package_not_zip" {
  command = plan
  variables { package = { file = "tests/mocks/aws.tfmock.hcl" } }
  expect_failures = [var.package]
}

run "rejects_wildcard_resource_without_opt_in" {
  command = plan

  variables {
    policy_statements = [{
      sid       = "ReadEverything"
      actions   = ["s3:GetObject"]
      resources = ["*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_bare_star_action" {
  command = plan

  variables {
    policy_statements = [{
      sid       = "Everything"
      actions   = ["*"]
      resources = ["arn:aws:s3:::bucket/*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_duplicate_or_reserved_sid" {
  command = plan

  variables {
    policy_statements = [{
      sid       = "WriteOwnLogGroup"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::bucket/*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_bad_effect" {
  command = plan

  variables {
    policy_statements = [{
      sid       = "Read"
      effect    = "allow"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::bucket/*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_six_layers" {
  command = plan

  variables {
    layers = [for i in range(6) : "arn:aws:lambda:us-east-1:123456789012:layer:l${i}:1"]
  }

  expect_failures = [var.layers]
}

run "rejects_layer_without_version" {
  command = plan
  variables { layers = ["arn:aws:lambda:us-east-1:123456789012:layer:shared"] }
  expect_failures = [var.layers]
}

run "rejects_log_retention_42" {
  command = plan
  variables { log_retention_in_days = 42 }
  expect_failures = [var.log_retention_in_days]
}

run "rejects_reserved_concurrency_minus_2" {
  command = plan
  variables { reserved_concurrency = -2 }
  expect_failures = [var.reserved_concurrency]
}

run "rejects_reserved_env_key" {
  command = plan
  variables { environment_variables = { AWS_REGION = "eu-west-1" } }
  expect_failures = [var.environment_variables]
}

run "rejects_dlq_not_sqs_or_sns" {
  command = plan
  variables { dead_letter_target_arn = "arn:aws:lambda:us-east-1:123456789012:function:dlq" }
  expect_failures = [var.dead_letter_target_arn]
}

run "rejects_tracing_mode" {
  command = plan
  variables { tracing_mode = "On" }
  expect_failures = [var.tracing_mode]
}

run "rejects_vpc_without_security_groups" {
  command = plan
  variables { vpc = { subnet_ids = ["subnet-0abc"], security_group_ids = [] } }
  expect_failures = [var.vpc]
}

run "rejects_numeric_alias_and_zero_provisioned" {
  command = plan
  variables { alias = { name = "1", provisioned_concurrency = 0 } }
  expect_failures = [var.alias]
}

run "rejects_provisioned_above_reserved" {
  command = plan

  variables {
    reserved_concurrency = 2
    alias                = { provisioned_concurrency = 5 }
  }

  expect_failures = [aws_lambda_provisioned_concurrency_config.this]
}
