# Plan-only test of the transport hardening of modules/scheduled-message (issue 12).

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

run "failure_queue_refuses_plain_http" {
  command = plan

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.failures_queue.statement :
      s.effect == "Deny" && s.actions == toset(["sqs:*"]) && anytrue([for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ])
    error_message = "the failure queue denies requests without TLS"
  }

  assert {
    condition     = aws_sqs_queue_policy.failures.queue_url == aws_sqs_queue.failures.url
    error_message = "the TLS-only policy is attached to the queue"
  }
}
