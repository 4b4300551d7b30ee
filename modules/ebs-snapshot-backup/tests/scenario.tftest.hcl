# Plan-only tests of modules/ebs-snapshot-backup with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers   = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name     = "nightly"
  packages = { backup = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  regions  = ["eu-west-1", "us-east-1"]
}

run "defaults_daily_in_use_seven_days" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_rule.schedule.schedule_expression == "cron(0 3 * * ? *)" && aws_cloudwatch_event_rule.schedule.state == "ENABLED"
    error_message = "runs daily at 03:00 UTC by default"
  }

  assert {
    condition = alltrue([
      local.environment.BACKUP_NAME == "nightly",
      local.environment.REGIONS == "eu-west-1,us-east-1",
      local.environment.INCLUDE_IN_USE == "true",
      local.environment.RETENTION_DAYS == "7",
      local.environment.RETENTION_COUNT == "",
      local.environment.WINDOW_MINUTES == "1440",
      local.environment.COPY_REGION == "",
    ])
    error_message = "the function's environment carries the settings"
  }

  assert {
    condition     = aws_lambda_permission.schedule.principal == "events.amazonaws.com" && aws_lambda_permission.schedule.source_arn == "arn:aws:events:us-east-1:123456789012:rule/mock-schedule"
    error_message = "only the schedule rule may invoke the function"
  }

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null
    error_message = "the on-failure queue is encrypted (SSE-SQS; retention: modules/private-queue)"
  }
}

run "iam_is_scoped_to_regions_and_managed_tag" {
  command = plan

  assert {
    condition     = [for s in output.policy_statements : s.resources if s.sid == "SnapshotVolumes"][0] == ["arn:aws:ec2:eu-west-1:123456789012:volume/*", "arn:aws:ec2:us-east-1:123456789012:volume/*"]
    error_message = "CreateSnapshot on volumes of the listed regions only"
  }

  assert {
    condition     = [for s in output.policy_statements : s.conditions if s.sid == "DeleteOnlyManagedSnapshots"][0][0].variable == "aws:ResourceTag/ebs-backup:managed-by" && [for s in output.policy_statements : s.conditions if s.sid == "DeleteOnlyManagedSnapshots"][0][0].values == ["nightly"]
    error_message = "DeleteSnapshot only on snapshots tagged managed-by = name"
  }

  assert {
    condition     = contains([for s in output.policy_statements : s.conditions if s.sid == "TagSnapshotsOnCreate"][0], { test = "StringEquals", variable = "ec2:CreateAction", values = tolist(["CreateSnapshot"]) })
    error_message = "CreateTags only as part of CreateSnapshot (no copies configured)"
  }

  assert {
    condition     = [for s in output.policy_statements : s.sid if contains(s.resources, "*")] == ["DescribeVolumesSnapshotsRegions"]
    error_message = "only the Describe calls (which cannot be scoped) have resource *"
  }

  assert {
    condition     = length([for s in output.policy_statements : s if s.sid == "CopyManagedSnapshots"]) == 0
    error_message = "no CopySnapshot permission without copy"
  }
}

run "copy_and_count_retention" {
  command = plan

  variables {
    copy      = { region = "eu-central-1" }
    retention = { count = 14 }
    schedule  = { expression = "rate(6 hours)", window_minutes = 360, enabled = false }
    selection = { include_in_use = false, target_tags = { Backup = "true" }, exclude_tags = { NoBackup = "*" } }
  }

  assert {
    condition     = local.environment.COPY_REGION == "eu-central-1" && local.environment.RETENTION_COUNT == "14" && local.environment.RETENTION_DAYS == "" && local.environment.TARGET_TAGS == "{\"Backup\":\"true\"}"
    error_message = "copy region, count retention and tags reach the function"
  }

  assert {
    condition     = contains([for s in output.policy_statements : s.resources if s.sid == "CopyManagedSnapshots"][0], "arn:aws:ec2:eu-central-1::snapshot/*")
    error_message = "CopySnapshot is allowed into the copy region"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.schedule.state == "DISABLED"
    error_message = "enabled = false pauses the rule"
  }
}

run "all_regions_uses_wildcard_region" {
  command = plan

  variables {
    regions = null
  }

  assert {
    condition     = local.environment.REGIONS == "" && [for s in output.policy_statements : s.resources if s.sid == "SnapshotVolumes"][0] == ["arn:aws:ec2:*:123456789012:volume/*"]
    error_message = "regions = null means every enabled region, resolved at run time"
  }
}

run "rejects_zero_retention" {
  command = plan
  variables {
    retention = { days = 0 }
  }
  expect_failures = [var.retention]
}

run "rejects_both_retention_rules" {
  command = plan
  variables {
    retention = { days = 7, count = 7 }
  }
  expect_failures = [var.retention]
}

run "rejects_bad_region_name" {
  command = plan
  variables {
    regions = ["eu-west-1", "Frankfurt"]
  }
  expect_failures = [var.regions]
}

run "rejects_bad_copy_region" {
  command = plan
  variables {
    copy = { region = "eu_central_1" }
  }
  expect_failures = [var.copy]
}

run "rejects_five_field_cron" {
  command = plan
  variables {
    schedule = { expression = "cron(0 3 * * *)" }
  }
  expect_failures = [var.schedule]
}

run "rejects_unknown_schedule_syntax" {
  command = plan
  variables {
    schedule = { expression = "every day" }
  }
  expect_failures = [var.schedule]
}

run "rejects_empty_selection" {
  command = plan
  variables {
    selection = { include_in_use = false }
  }
  expect_failures = [var.selection]
}

run "rejects_aws_prefixed_snapshot_tags" {
  command = plan
  variables {
    snapshot_tags = { "aws:backup" = "x" }
  }
  expect_failures = [var.snapshot_tags]
}
