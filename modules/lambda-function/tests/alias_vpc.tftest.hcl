# Alias + provisioned concurrency and VPC: created only when asked for.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name    = "orders-handler"
  package = { file = "tests/fixtures/handler.zip" }
}

run "alias_without_provisioned_concurrency" {
  command = plan

  variables {
    alias = {}
  }

  assert {
    condition     = length(aws_lambda_alias.this) == 1 && aws_lambda_alias.this[0].name == "live" && length(aws_lambda_provisioned_concurrency_config.this) == 0
    error_message = "alias = {} must create alias 'live' and no provisioned concurrency"
  }

  assert {
    condition     = aws_lambda_function.this.publish == true && aws_lambda_alias.this[0].function_version == aws_lambda_function.this.version
    error_message = "an alias needs publish = true and must point at the published version"
  }

  assert {
    condition     = output.alias_arn == "arn:aws:lambda:us-east-1:123456789012:function:mock:live"
    error_message = "alias_arn output must be the alias ARN"
  }
}

run "alias_with_provisioned_concurrency" {
  command = plan

  variables {
    reserved_concurrency = 10
    alias                = { name = "prod", provisioned_concurrency = 2 }
    async_invoke         = { maximum_retry_attempts = 0 }
  }

  assert {
    condition = (
      length(aws_lambda_provisioned_concurrency_config.this) == 1 &&
      aws_lambda_provisioned_concurrency_config.this[0].qualifier == "prod" &&
      aws_lambda_provisioned_concurrency_config.this[0].provisioned_concurrent_executions == 2
    )
    error_message = "provisioned concurrency must be configured on the alias"
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this[0].qualifier == "prod"
    error_message = "with an alias, the event-invoke config must apply to the alias"
  }
}

run "publish_without_alias" {
  command = plan

  variables {
    publish = true
  }

  assert {
    condition     = aws_lambda_function.this.publish == true && length(aws_lambda_alias.this) == 0 && output.alias_arn == null
    error_message = "publish alone must not create an alias"
  }
}

run "vpc_attaches_managed_policy" {
  command = plan

  variables {
    vpc = {
      subnet_ids         = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
      security_group_ids = ["sg-0123abcd"]
    }
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.vpc) == 1 && aws_iam_role_policy_attachment.vpc[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    error_message = "vpc must attach AWSLambdaVPCAccessExecutionRole"
  }

  assert {
    condition     = aws_lambda_function.this.vpc_config[0].subnet_ids == toset(["subnet-0a1b2c3d", "subnet-4e5f6a7b"]) && aws_lambda_function.this.vpc_config[0].security_group_ids == toset(["sg-0123abcd"])
    error_message = "vpc_config must carry the subnets and security groups"
  }
}

run "no_vpc_no_managed_policy" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy_attachment.vpc) == 0 && length(aws_lambda_function.this.vpc_config) == 0
    error_message = "without vpc there must be no VPC policy and no vpc_config"
  }
}
