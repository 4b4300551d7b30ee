# Plan-only tests of the instance-type limit of modules/fleet-provisioner (issue 12).

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
      count              = 2
    },
    {
      name               = "worker"
      instance_type      = "m7i-flex.large"
      image_id           = "ami-0fedcba9876543210"
      subnet_id          = "subnet-0fedcba9876543210"
      security_group_ids = ["sg-0123456789abcdef0"]
    },
  ]
}

run "instances_only_of_the_fleets_types_by_default" {
  command = plan

  # The fleet document is operator-editable: without ec2:InstanceType anyone who can edit it can
  # launch any size of instance with the function's role.
  assert {
    condition = one([for s in output.policy_statements : s.conditions if s.sid == "RunOwnedInstances"]) == [
      { test = "StringEquals", variable = "aws:RequestTag/FleetOwner", values = ["ops-fleet"] },
      { test = "StringEquals", variable = "ec2:InstanceType", values = tolist(["m7i-flex.large", "t3.micro"]) },
    ] && one([for s in output.policy_statements : s.resources if s.sid == "RunOwnedInstances"]) == ["arn:aws:ec2:us-east-1:123456789012:instance/*"]
    error_message = "RunInstances on instances only with the owner tag and one of the fleet's instance types"
  }

  assert {
    condition     = jsondecode(local.environment.ALLOWED_INSTANCE_TYPES) == ["m7i-flex.large", "t3.micro"]
    error_message = "the function checks the document against the same list"
  }
}

run "allowed_instance_types_input_widens_the_list" {
  command = plan

  variables {
    allowed_launch = { instance_types = ["t3.micro", "t3.small", "m7i-flex.large"] }
  }

  assert {
    condition     = one([for s in output.policy_statements : [for c in s.conditions : c.values if c.variable == "ec2:InstanceType"][0] if s.sid == "RunOwnedInstances"]) == tolist(["m7i-flex.large", "t3.micro", "t3.small"])
    error_message = "allowed_launch.instance_types is what IAM allows"
  }
}

run "fleet_outside_the_allowed_types_is_refused_at_plan" {
  command = plan

  variables {
    allowed_launch = { instance_types = ["t3.micro"] }
  }

  expect_failures = [aws_ssm_parameter.fleet]
}

run "rejects_a_malformed_instance_type" {
  command = plan

  variables {
    allowed_launch = { instance_types = ["*"] }
  }

  expect_failures = [var.allowed_launch]
}
