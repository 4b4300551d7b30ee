# Input validation of modules/private-queue (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "photos-failures"
}

run "rejects_a_bad_queue_name" {
  command = plan

  variables {
    name = "no spaces.fifo"
  }

  expect_failures = [var.name]
}

run "rejects_a_key_id_instead_of_an_arn" {
  command = plan

  variables {
    kms_key_arn = "1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_retention_beyond_fourteen_days" {
  command = plan

  variables {
    message_retention_seconds = 1209601
  }

  expect_failures = [var.message_retention_seconds]
}

run "rejects_a_reuse_period_below_a_minute" {
  command = plan

  variables {
    kms_data_key_reuse_period_seconds = 30
  }

  expect_failures = [var.kms_data_key_reuse_period_seconds]
}
