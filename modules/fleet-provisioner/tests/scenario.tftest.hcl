# Plan-only tests of modules/fleet-provisioner with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers   = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name     = "ops-fleet"
  packages = { provisioner = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  fleet = [
    {
      name               = "web"
      instance_type      = "t3.micro"
      image_id           = "ami-0123456789abcdef0"
      subnet_id          = "subnet-0123456789abcdef0"
      security_group_ids = ["sg-0123456789abcdef0"]
      tags               = { Role = "web" }
      count              = 2
    },
    {
      name               = "worker"
      instance_type      = "m7i-flex.large"
      image_id           = "ami-0fedcba9876543210"
      subnet_id          = "subnet-0fedcba9876543210"
      security_group_ids = ["sg-0123456789abcdef0", "sg-0fedcba9876543210"]
    },
  ]
}

run "fleet_document_is_written_to_a_standard_string_parameter" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.fleet[0].name == "/ops-fleet/fleet" && aws_ssm_parameter.fleet[0].type == "String" && aws_ssm_parameter.fleet[0].tier == "Standard"
    error_message = "the fleet goes to /<name>/fleet as a Standard String parameter"
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.fleet[0].value).servers[0].count == 2 && jsondecode(aws_ssm_parameter.fleet[0].value).servers[1].count == 1 && jsondecode(aws_ssm_parameter.fleet[0].value).servers[1].tags == {}
    error_message = "the document holds every spec with its defaults filled in"
  }

  assert {
    condition     = module.function.function_name == "ops-fleet" && output.owner_tag == { key = "FleetOwner", value = "ops-fleet" }
    error_message = "the owner tag defaults to FleetOwner=<name>"
  }
}

run "large_fleets_use_the_advanced_tier" {
  command = plan

  variables {
    max_instances = 100
    fleet = [for i in range(30) : {
      name               = "spec-${i}"
      instance_type      = "t3.micro"
      image_id           = "ami-0123456789abcdef0"
      subnet_id          = "subnet-0123456789abcdef0"
      security_group_ids = ["sg-0123456789abcdef0"]
      tags               = { Team = "platform-team-with-a-long-name", Purpose = "capacity-test" }
      count              = 1
    }]
  }

  assert {
    condition     = aws_ssm_parameter.fleet[0].tier == "Advanced"
    error_message = "a document over 4 KB needs the Advanced tier"
  }
}

run "operator_managed_parameter_ignores_value_changes" {
  command = plan

  variables {
    parameter = { ignore_value_changes = true, name = "/ops/desired-fleet" }
  }

  assert {
    condition     = length(aws_ssm_parameter.fleet) == 0 && aws_ssm_parameter.fleet_operator_managed[0].name == "/ops/desired-fleet"
    error_message = "ignore_value_changes swaps in the operator-managed parameter"
  }
}

run "least_privilege_statements" {
  command = plan

  assert {
    condition = anytrue([for s in output.policy_statements : s.sid == "RunOwnedVolumes" && s.actions == ["ec2:RunInstances"] && s.resources == [
      "arn:aws:ec2:us-east-1:123456789012:volume/*",
      ] && try(s.conditions, null) == [{ test = "StringEquals", variable = "aws:RequestTag/FleetOwner", values = ["ops-fleet"] }]
    ])
    error_message = "RunInstances on volumes only with the owner tag in the request"
  }

  assert {
    condition = anytrue([for s in output.policy_statements : s.sid == "RunInstancesFromAllowedInputs" && toset(s.resources) == toset([
      "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0",
      "arn:aws:ec2:us-east-1::image/ami-0fedcba9876543210",
      "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef0",
      "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0fedcba9876543210",
      "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0",
      "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0fedcba9876543210",
      "arn:aws:ec2:us-east-1:123456789012:network-interface/*",
    ])])
    error_message = "images, subnets and groups are exactly those of the fleet"
  }

  assert {
    condition = anytrue([for s in output.policy_statements : s.sid == "TagOnLaunchOnly" && s.actions == ["ec2:CreateTags"] && try(s.conditions, null) == [
      { test = "StringEquals", variable = "ec2:CreateAction", values = ["RunInstances"] }
    ]])
    error_message = "CreateTags only as part of RunInstances"
  }

  assert {
    condition = anytrue([for s in output.policy_statements : s.sid == "TerminateOwnedInstances" && s.actions == ["ec2:TerminateInstances"] && try(s.conditions, null) == [
      { test = "StringEquals", variable = "aws:ResourceTag/FleetOwner", values = ["ops-fleet"] }
    ]])
    error_message = "TerminateInstances only on instances carrying the owner tag"
  }

  assert {
    condition = [for s in output.policy_statements : s.sid if contains(s.resources, "*")] == ["DescribeInstances"] && anytrue([
      for s in output.policy_statements : s.sid == "DescribeInstances" && s.actions == ["ec2:DescribeInstances"]
    ])
    error_message = "the only wildcard resource is ec2:DescribeInstances (it cannot be scoped)"
  }

  assert {
    condition = anytrue([for s in output.policy_statements : s.sid == "ReadFleetParameter" && s.actions == ["ssm:GetParameter"] && s.resources == [
      "arn:aws:ssm:us-east-1:123456789012:parameter/ops-fleet/fleet"
    ]])
    error_message = "ssm:GetParameter on its own parameter only"
  }
}

run "allowed_launch_widens_the_inputs" {
  command = plan

  variables {
    allowed_launch = { image_ids = ["ami-11111111"] }
  }

  assert {
    condition     = anytrue([for s in output.policy_statements : s.sid == "RunInstancesFromAllowedInputs" && contains(s.resources, "arn:aws:ec2:us-east-1::image/ami-11111111") && !contains(s.resources, "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0")])
    error_message = "allowed_launch.image_ids replaces the fleet's images"
  }
}

run "schedules_are_eventbridge_rules" {
  command = plan

  variables {
    teardown_schedule_expression = "cron(0 19 ? * MON-FRI *)"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.schedule["reconcile"].schedule_expression == "cron(0/30 * * * ? *)" && aws_cloudwatch_event_rule.schedule["teardown"].schedule_expression == "cron(0 19 ? * MON-FRI *)"
    error_message = "reconcile every 30 minutes by default, teardown on its own schedule"
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_target.schedule["teardown"].input).action == "teardown" && jsondecode(aws_cloudwatch_event_target.schedule["reconcile"].input).action == "reconcile"
    error_message = "each rule sends its action"
  }

  assert {
    condition     = aws_lambda_permission.schedule["reconcile"].principal == "events.amazonaws.com"
    error_message = "EventBridge may invoke the function"
  }
}

run "no_schedule_when_null" {
  command = plan

  variables {
    schedule_expression = null
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.schedule) == 0 && output.schedule_names == {}
    error_message = "schedule_expression = null creates no rule"
  }
}

run "rejects_negative_count" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "t3.micro", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"], count = -1 }]
  }
  expect_failures = [var.fleet]
}

run "rejects_fractional_count" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "t3.micro", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"], count = 1.5 }]
  }
  expect_failures = [var.fleet]
}

run "rejects_bad_instance_type" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "large", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"] }]
  }
  expect_failures = [var.fleet]
}

run "rejects_duplicate_names" {
  command = plan
  variables {
    fleet = [
      { name = "web", instance_type = "t3.micro", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"] },
      { name = "web", instance_type = "t3.small", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"] },
    ]
  }
  expect_failures = [var.fleet]
}

run "rejects_bad_ids" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "t3.micro", image_id = "ubuntu", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"] }]
  }
  expect_failures = [var.fleet]
}

run "rejects_missing_security_groups" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "t3.micro", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = [] }]
  }
  expect_failures = [var.fleet]
}

run "rejects_reserved_tags" {
  command = plan
  variables {
    fleet = [{ name = "web", instance_type = "t3.micro", image_id = "ami-12345678", subnet_id = "subnet-12345678", security_group_ids = ["sg-12345678"], tags = { FleetOwner = "me" } }]
  }
  expect_failures = [var.fleet]
}

run "rejects_fleet_over_max_instances" {
  command = plan
  variables {
    max_instances = 2
  }
  expect_failures = [aws_ssm_parameter.fleet]
}

run "rejects_bad_schedule" {
  command = plan
  variables {
    schedule_expression = "every 5 minutes"
  }
  expect_failures = [var.schedule_expression]
}
