# The execution role's inline policy: scoped statements, destination/DLQ permissions by ARN
# type, the wildcard opt-in, X-Ray. Asserts on the statements fed into
# data.aws_iam_policy_document.this (its JSON is produced by the mocked provider).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name    = "orders-handler"
  package = { file = "tests/fixtures/handler.zip" }
}

run "destinations_add_scoped_send_permissions" {
  command = plan

  variables {
    async_invoke = {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
      on_success_destination       = "arn:aws:events:us-east-1:123456789012:event-bus/orders"
      on_failure_destination       = "arn:aws:sqs:us-east-1:123456789012:orders-failed"
    }
    dead_letter_target_arn = "arn:aws:sns:us-east-1:123456789012:orders-dlq"
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.this.statement : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      WriteOwnLogGroup          = { actions = toset(["logs:CreateLogStream", "logs:PutLogEvents"]), resources = toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/mock:*"]) }
      AsyncOnSuccessDestination = { actions = toset(["events:PutEvents"]), resources = toset(["arn:aws:events:us-east-1:123456789012:event-bus/orders"]) }
      AsyncOnFailureDestination = { actions = toset(["sqs:SendMessage"]), resources = toset(["arn:aws:sqs:us-east-1:123456789012:orders-failed"]) }
      DeadLetterTarget          = { actions = toset(["sns:Publish"]), resources = toset(["arn:aws:sns:us-east-1:123456789012:orders-dlq"]) }
    }
    error_message = "each destination / DLQ must get exactly its send action, scoped to its ARN"
  }

  assert {
    condition = (
      length(aws_lambda_function_event_invoke_config.this) == 1 &&
      aws_lambda_function_event_invoke_config.this[0].qualifier == null &&
      aws_lambda_function_event_invoke_config.this[0].maximum_retry_attempts == 0 &&
      aws_lambda_function_event_invoke_config.this[0].maximum_event_age_in_seconds == 60 &&
      aws_lambda_function_event_invoke_config.this[0].destination_config[0].on_success[0].destination == "arn:aws:events:us-east-1:123456789012:event-bus/orders" &&
      aws_lambda_function_event_invoke_config.this[0].destination_config[0].on_failure[0].destination == "arn:aws:sqs:us-east-1:123456789012:orders-failed"
    )
    error_message = "event-invoke config must carry retries, age and both destinations on the unqualified function"
  }

  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == "arn:aws:sns:us-east-1:123456789012:orders-dlq"
    error_message = "dead_letter_config must point at the DLQ"
  }
}

run "lambda_and_sns_destinations" {
  command = plan

  variables {
    async_invoke = {
      on_success_destination = "arn:aws:sns:us-east-1:123456789012:orders-done"
      on_failure_destination = "arn:aws:lambda:us-east-1:123456789012:function:orders-failure-handler"
    }
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.this.statement : s.sid => { actions = s.actions, resources = s.resources } if s.sid != "WriteOwnLogGroup"
      } == {
      AsyncOnSuccessDestination = { actions = toset(["sns:Publish"]), resources = toset(["arn:aws:sns:us-east-1:123456789012:orders-done"]) }
      AsyncOnFailureDestination = { actions = toset(["lambda:InvokeFunction"]), resources = toset(["arn:aws:lambda:us-east-1:123456789012:function:orders-failure-handler"]) }
    }
    error_message = "SNS -> sns:Publish, Lambda -> lambda:InvokeFunction, each on its own ARN"
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this[0].maximum_retry_attempts == 2 && aws_lambda_function_event_invoke_config.this[0].maximum_event_age_in_seconds == 21600
    error_message = "async_invoke defaults must be 2 retries / 6 hours"
  }
}

run "async_without_destinations_has_no_destination_config" {
  command = plan

  variables {
    async_invoke = { maximum_retry_attempts = 1 }
  }

  assert {
    condition     = length(aws_lambda_function_event_invoke_config.this[0].destination_config) == 0 && length(data.aws_iam_policy_document.this.statement) == 1
    error_message = "no destinations -> no destination_config and no extra statements"
  }
}

run "caller_statements_with_conditions" {
  command = plan

  variables {
    policy_statements = [
      {
        sid       = "ReadOrdersTable"
        actions   = ["dynamodb:GetItem", "dynamodb:Query"]
        resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]
      },
      {
        sid       = "DenyOutsideOrg"
        effect    = "Deny"
        actions   = ["s3:PutObject"]
        resources = ["arn:aws:s3:::orders-export/*"]
        conditions = [{
          test     = "StringNotEquals"
          variable = "aws:ResourceOrgID"
          values   = ["o-abc123"]
        }]
      },
    ]
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid] == ["WriteOwnLogGroup", "ReadOrdersTable", "DenyOutsideOrg"]
    error_message = "caller statements must follow the module's own"
  }

  assert {
    condition = (
      data.aws_iam_policy_document.this.statement[2].effect == "Deny" &&
      one(data.aws_iam_policy_document.this.statement[2].condition).test == "StringNotEquals" &&
      one(data.aws_iam_policy_document.this.statement[2].condition).variable == "aws:ResourceOrgID" &&
      tolist(one(data.aws_iam_policy_document.this.statement[2].condition).values) == tolist(["o-abc123"])
    )
    error_message = "effect and conditions must be passed through"
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : !contains(s.resources, "*")])
    error_message = "no statement may have a \"*\" resource"
  }
}

run "wildcard_resource_with_opt_in" {
  command = plan

  variables {
    policy_statements = [{
      sid                     = "ListMetrics"
      actions                 = ["cloudwatch:ListMetrics"] # no resource-level permissions
      resources               = ["*"]
      allow_wildcard_resource = true
    }]
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid if contains(s.resources, "*")] == ["ListMetrics"]
    error_message = "only the opted-in statement may use \"*\""
  }
}

run "tracing_active_adds_xray_only" {
  command = plan

  variables {
    tracing_mode = "Active"
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "tracing mode must be Active"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : s.actions if contains(s.resources, "*")
    ] == [toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])]
    error_message = "the only \"*\" statement must be the X-Ray write actions"
  }
}
