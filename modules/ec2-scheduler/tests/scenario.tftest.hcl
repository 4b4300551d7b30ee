# Plan-only tests of modules/ec2-scheduler with a mocked AWS provider (offline): input validation,
# least-privilege statements, the rate rule and what the function is told.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers   = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name     = "ec2-scheduler"
  packages = { scheduler = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  schedules = {
    office-hours = {
      time_zone = "Europe/Berlin"
      periods   = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }]
    }
  }
}

run "rule_runs_the_function_every_five_minutes" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(5 minutes)" && aws_cloudwatch_event_rule.this.state == "ENABLED"
    error_message = "default rate is every 5 minutes, enabled"
  }

  assert {
    condition     = aws_lambda_permission.events.principal == "events.amazonaws.com" && aws_lambda_permission.events.source_arn == "arn:aws:events:eu-west-1:123456789012:rule/mock"
    error_message = "only this rule may invoke the function"
  }

  assert {
    condition     = aws_cloudwatch_event_target.this.rule == "ec2-scheduler"
    error_message = "the rule targets the function"
  }

  assert {
    condition = jsondecode(local.scheduler_config) == {
      tag_key   = "Schedule"
      regions   = ["eu-west-1"]
      instances = {}
      schedules = { office-hours = { time_zone = "Europe/Berlin", periods = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }] } }
    }
    error_message = "the function gets the schedules, the tag key and (by default) the module's region"
  }

  assert {
    condition     = local.interval_minutes == 5
    error_message = "RUN_INTERVAL_MINUTES follows the rate"
  }
}

run "start_stop_is_scoped_by_tag_describe_is_the_only_wildcard" {
  command = plan

  variables {
    regions = ["eu-west-1", "us-east-1"]
    tag_key = "lbp:schedule"
    schedules = {
      office-hours = { time_zone = "Europe/Berlin", periods = [{ weekdays = ["mon"], begin = "08:00", end = "19:00" }] }
      nights       = { time_zone = "America/New_York", periods = [{ weekdays = ["fri"], begin = "22:00", end = "06:00" }] }
    }
    instances = {
      "i-0123456789abcdef0" = { schedule = "nights", region = "ap-southeast-2" }
    }
  }

  assert {
    condition     = [for s in local.policy_statements : s.sid if contains(s.resources, "*")] == ["DescribeInstances"]
    error_message = "only ec2:DescribeInstances may have a wildcard resource"
  }

  assert {
    condition = jsonencode(one([for s in local.policy_statements : s if s.sid == "StartStopTaggedInstances"])) == jsonencode({
      sid       = "StartStopTaggedInstances"
      actions   = ["ec2:StartInstances", "ec2:StopInstances"]
      resources = ["arn:aws:ec2:eu-west-1:123456789012:instance/*", "arn:aws:ec2:us-east-1:123456789012:instance/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:ResourceTag/lbp:schedule"
        values   = ["nights", "office-hours"]
      }]
      allow_wildcard_resource = false
    })
    error_message = "Start/Stop of tagged instances requires the schedule tag with a declared schedule name, in the listed regions only"
  }

  assert {
    condition     = one([for s in local.policy_statements : s.resources if s.sid == "StartStopListedInstances"]) == ["arn:aws:ec2:ap-southeast-2:123456789012:instance/i-0123456789abcdef0"]
    error_message = "listed instances are allowed by their exact ARN"
  }

  assert {
    condition     = jsonencode(output.regions) == jsonencode(["eu-west-1", "us-east-1", "ap-southeast-2"])
    error_message = "a listed instance's region is scheduled too"
  }

  assert {
    condition     = length([for s in local.policy_statements : s if s.sid == "GrantForEncryptedVolumes"]) == 0
    error_message = "no KMS permission unless keys are given"
  }
}

run "hourly_rate_and_disabled_rule" {
  command = plan

  variables {
    schedule_expression = "rate(1 hour)"
    rule_enabled        = false
    enforced            = true
    dry_run             = true
  }

  assert {
    condition     = local.interval_minutes == 60 && aws_cloudwatch_event_rule.this.state == "DISABLED"
    error_message = "rate(1 hour) is a 60-minute interval; rule_enabled = false disables the rule"
  }
}

run "rejects_bad_times" {
  command = plan

  variables {
    schedules = {
      s = { time_zone = "UTC", periods = [{ weekdays = ["mon"], begin = "8:00", end = "25:00" }] }
    }
  }

  expect_failures = [var.schedules]
}

run "rejects_equal_begin_and_end" {
  command = plan

  variables {
    schedules = {
      s = { time_zone = "UTC", periods = [{ weekdays = ["mon"], begin = "08:00", end = "08:00" }] }
    }
  }

  expect_failures = [var.schedules]
}

run "rejects_unknown_weekday" {
  command = plan

  variables {
    schedules = {
      s = { time_zone = "UTC", periods = [{ weekdays = ["monday"], begin = "08:00", end = "09:00" }] }
    }
  }

  expect_failures = [var.schedules]
}

run "rejects_empty_periods" {
  command = plan

  variables {
    schedules = { s = { time_zone = "UTC", periods = [] } }
  }

  expect_failures = [var.schedules]
}

run "rejects_offset_time_zone" {
  command = plan

  variables {
    schedules = {
      s = { time_zone = "+02:00", periods = [{ weekdays = ["mon"], begin = "08:00", end = "09:00" }] }
    }
  }

  expect_failures = [var.schedules]
}

run "accepts_end_of_day_and_three_part_zones" {
  command = plan

  variables {
    schedules = {
      s = { time_zone = "America/Argentina/Buenos_Aires", periods = [{ weekdays = ["Sat", "sun"], begin = "00:00", end = "24:00" }] }
    }
  }

  assert {
    condition     = jsondecode(local.scheduler_config).schedules.s.periods[0].weekdays == ["sat", "sun"]
    error_message = "weekday names are lower-cased for the function"
  }
}

run "rejects_listed_instance_with_undeclared_schedule" {
  command = plan

  variables {
    instances = { "i-0123456789abcdef0" = { schedule = "nope" } }
  }

  expect_failures = [var.instances]
}

run "rejects_cron_expression" {
  command = plan

  variables {
    schedule_expression = "cron(0 8 * * ? *)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_aws_tag_key" {
  command = plan

  variables {
    tag_key = "aws:schedule"
  }

  expect_failures = [var.tag_key]
}

run "kms_grant_only_for_aws_resources" {
  command = plan

  variables {
    kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/abcd"]
  }

  assert {
    condition = one([for s in local.policy_statements : s.conditions if s.sid == "GrantForEncryptedVolumes"]) == [{
      test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"]
    }]
    error_message = "kms:CreateGrant only for grants EC2 creates for the volumes"
  }
}
