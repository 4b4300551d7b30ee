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

# The queue is modules/private-queue (TLS-only policy and retention tested there).
run "failure_queue_is_a_private_queue_with_sse_sqs" {
  command = plan

  assert {
    condition     = module.failures_queue.kms_key_arn == null
    error_message = "without kms_key_arn the failure queue uses SQS-managed SSE"
  }
}
