# Input validation of modules/private-bucket (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "photos-uploads-123"
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    name = "Not_A_Bucket"
  }

  expect_failures = [var.name]
}

run "rejects_consecutive_dots" {
  command = plan

  variables {
    name = "my..bucket"
  }

  expect_failures = [var.name]
}

run "rejects_a_non_kms_arn" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:s3:::not-a-key"
  }

  expect_failures = [var.kms_key_arn]
}
