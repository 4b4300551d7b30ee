# Plan-only tests of the hardening of modules/alarm-notifier (issue 12): who may publish alarms,
# TLS only, HTTPS-only webhook, the key policy CloudWatch needs.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers             = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name               = "ops"
  packages           = { notifier = { file = "../lambda-function/tests/fixtures/handler.zip" } }
  cpu_alarms         = { instance_ids = ["i-0abc123def4567890"] }
  notification_topic = {}
  webhook            = {}
  webhook_url        = "https://hooks.slack.com/services/T000/B000/XXXX"
}

run "only_cloudwatch_of_this_account_publishes_alarms_by_default" {
  command = plan

  # Every principal of the account could publish (and forge alarms relayed to email and the
  # webhook) when the account root was granted sns:Publish.
  assert {
    condition     = [for s in data.aws_iam_policy_document.alarm_topic.statement : s.sid if s.effect != "Deny" && contains(tolist(s.actions), "sns:Publish")] == ["CloudWatchAlarmsOfThisAccountPublish"]
    error_message = "only the CloudWatch statement allows sns:Publish"
  }

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.alarm_topic.statement : s.sid != "CloudWatchAlarmsOfThisAccountPublish" || (
      toset([for c in s.condition : c.variable]) == toset(["aws:SourceAccount", "aws:SourceArn"]) &&
      anytrue([for c in s.condition : c.variable == "aws:SourceArn" && c.values == tolist(["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"])])
    )])
    error_message = "CloudWatch may publish only for alarms of this account and region"
  }
}

run "named_publishers_may_publish" {
  command = plan

  variables {
    publishers = ["arn:aws:iam::123456789012:role/incident-drill"]
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.alarm_topic.statement :
      s.sid == "NamedPublishers" && s.actions == toset(["sns:Publish"]) && anytrue([for p in s.principals : p.identifiers == toset(["arn:aws:iam::123456789012:role/incident-drill"])])
    ])
    error_message = "publishers are allowed to publish by name"
  }
}

run "rejects_a_publisher_that_is_not_an_iam_principal" {
  command = plan

  variables {
    publishers = ["*"]
  }

  expect_failures = [var.publishers]
}

run "topics_and_queue_refuse_plain_http" {
  command = plan

  assert {
    condition = alltrue([for doc in [data.aws_iam_policy_document.alarm_topic, data.aws_iam_policy_document.notification_topic[0]] :
      anytrue([for s in doc.statement :
        s.effect == "Deny" && anytrue([for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
      ])
    ])
    error_message = "both topics deny requests without TLS (the failure queue is modules/private-queue, TLS-only)"
  }

  assert {
    condition     = aws_sns_topic_policy.notifications[0].arn == aws_sns_topic.notifications[0].arn
    error_message = "the TLS-only policies are attached"
  }
}

run "webhook_url_must_be_https" {
  command = plan

  variables {
    webhook_url = "http://127.0.0.1:8080/hook"
  }

  expect_failures = [var.webhook_url]
}

run "key_policy_lets_only_this_accounts_alarms_use_the_key" {
  command = plan

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.service_key_use.statement :
      anytrue([for p in s.principals : p.identifiers == toset(["cloudwatch.amazonaws.com"])]) &&
      toset([for c in s.condition : c.variable]) == toset(["aws:SourceAccount", "aws:SourceArn"])
    ])
    error_message = "CloudWatch may use the key only for this account's alarms"
  }

  assert {
    condition     = output.service_key_policy_json == data.aws_iam_policy_document.service_key_use.json
    error_message = "the statements CloudWatch needs are an output, for a key the caller brings"
  }
}

run "webhook_parameter_key_is_usable" {
  command = plan

  variables {
    webhook = {
      url_parameter_name        = "/ops/existing-webhook"
      url_parameter_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    }
    webhook_url = null
  }

  assert {
    condition     = contains(one([for s in output.policy_statements : s.resources if s.sid == "UseModuleKey"]), "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555")
    error_message = "GetParameter with decryption needs kms:Decrypt on the parameter's key"
  }
}
