# Plan-only tests of modules/scheduled-message with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers   = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name     = "greetings"
  packages = { sender = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  schedule = { time = "12:30", time_zone = "Europe/Paris" }
  sender   = { email = "birthdays@example.com" }
}

run "daily_schedule_in_its_time_zone_invokes_the_function" {
  command = plan

  assert {
    condition     = aws_scheduler_schedule.daily.schedule_expression == "cron(30 12 * * ? *)" && aws_scheduler_schedule.daily.schedule_expression_timezone == "Europe/Paris"
    error_message = "12:30 every day, Paris time"
  }

  assert {
    condition     = jsondecode(one(aws_scheduler_schedule.daily.target).input).scheduled_time == "<aws.scheduler.scheduled-time>"
    error_message = "the target input carries the scheduled time"
  }

  assert {
    condition     = one(one(aws_scheduler_schedule.daily.target).dead_letter_config).arn == module.failures_queue.arn
    error_message = "undeliverable runs go to the failure queue"
  }

  assert {
    condition     = aws_dynamodb_table.recipients.hash_key == "recipient_id" && aws_dynamodb_table.recipients.deletion_protection_enabled
    error_message = "recipients keyed by recipient_id, protected from deletion"
  }
}

run "unknown_placeholders_and_bad_times_are_refused" {
  command = plan

  variables {
    message  = { subject = "Hi $nickname" }
    schedule = { time = "25:00" }
  }

  expect_failures = [var.message, var.schedule]
}

run "placeholders_are_not_json_escaped" {
  command = plan

  assert {
    condition     = strcontains(one(aws_scheduler_schedule.daily.target).input, "\"<aws.scheduler.scheduled-time>\"")
    error_message = "the input must carry the literal placeholder (jsonencode would escape < and >)"
  }
}
