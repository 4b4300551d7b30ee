# Plan-only tests of modules/alarm-notifier with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers   = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name     = "ops"
  packages = { notifier = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  cpu_alarms = {
    instance_ids = ["i-0abc123def4567890", "i-0abc123def4567891"]
    threshold    = 85
  }
  log_alarms = {
    app-errors = { log_group_name = "/app/web", pattern = "ERROR" }
  }
  email              = { sender = "alarms@example.com", recipients = ["oncall@example.com"] }
  notification_topic = { sms_subscriptions = ["+15555550100"] }
  webhook            = {}
  webhook_url        = "https://hooks.slack.com/services/T000/B000/XXXX"
}

run "cpu_and_log_alarms_notify_the_encrypted_topic_on_alarm_and_ok" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.cpu) == 2 && aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].dimensions.InstanceId == "i-0abc123def4567890"
    error_message = "one CPU alarm per instance, on its InstanceId"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].threshold == 85 && aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].metric_name == "CPUUtilization"
    error_message = "CPUUtilization above the threshold"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].ok_actions) == 1 && length(aws_cloudwatch_metric_alarm.log["app-errors"].alarm_actions) == 1 && length(aws_cloudwatch_metric_alarm.cpu["i-0abc123def4567890"].insufficient_data_actions) == 0
    error_message = "ALARM and OK notify the topic; INSUFFICIENT_DATA does not by default"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["app-errors"].pattern == "ERROR" && aws_cloudwatch_metric_alarm.log["app-errors"].namespace == "ops/logs"
    error_message = "the log pattern becomes a metric in ops/logs"
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.this[0].arn && aws_kms_key.this[0].enable_key_rotation
    error_message = "the alarm topic is encrypted with the module's rotating CMK"
  }

  assert {
    condition     = aws_sns_topic_subscription.function.protocol == "lambda" && aws_lambda_permission.sns.principal == "sns.amazonaws.com"
    error_message = "the function is subscribed to the alarm topic"
  }
}

run "channels_are_wired_into_the_function" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.webhook_url[0].type == "SecureString" && aws_ssm_parameter.webhook_url[0].name == "/ops/webhook-url"
    error_message = "the webhook URL is stored as a SecureString"
  }

  assert {
    condition     = length(aws_ses_email_identity.sender) == 1 && length(aws_sns_topic_subscription.sms) == 1
    error_message = "sender identity and SMS subscription are created"
  }

  assert {
    condition     = module.on_failure_queue.kms_key_arn == aws_kms_key.this[0].arn
    error_message = "the on-failure queue is encrypted"
  }
}

run "each_delivery_is_recorded_once_and_expires" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.deliveries.hash_key == "id" && one(aws_dynamodb_table.deliveries.ttl).attribute_name == "expiration" && one(aws_dynamodb_table.deliveries.ttl).enabled
    error_message = "the delivery table is keyed by the Powertools idempotency id and expires records (TTL)"
  }

  assert {
    condition     = one(aws_dynamodb_table.deliveries.server_side_encryption).enabled
    error_message = "the delivery table is encrypted with the module's key"
  }

  assert {
    condition     = one([for s in local.function_statements : s.actions if s.sid == "RecordEachDeliveryOnce"]) == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    error_message = "the function may only read, create, complete and delete delivery records"
  }
}

run "no_channel_is_refused" {
  command = plan

  variables {
    email              = null
    notification_topic = null
    webhook            = null
  }

  expect_failures = [aws_sns_topic.alarms]
}

run "bad_inputs_are_refused" {
  command = plan

  variables {
    cpu_alarms  = { instance_ids = ["web-1"], threshold = 150 }
    webhook_url = "http://hooks.example.com/x"
  }

  expect_failures = [var.cpu_alarms, var.webhook_url]
}
