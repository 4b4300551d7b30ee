# Plan-only tests of modules/private-bucket with a mocked AWS provider (offline).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "photos-uploads-123"
}

run "defaults_are_private_sse_s3_and_versioned" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket == "photos-uploads-123" && aws_s3_bucket.this.force_destroy == false
    error_message = "the bucket is created with its name and without force_destroy"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "public access must be blocked"
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled (BucketOwnerEnforced)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == false
    error_message = "without a KMS key the bucket uses SSE-S3"
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "versioning is on by default"
  }

  assert {
    condition     = output.name == "photos-uploads-123"
    error_message = "output name is the bucket name"
  }
}

run "kms_key_switches_to_sse_kms_with_bucket_key" {
  command = plan

  variables {
    kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    force_destroy = true
  }

  assert {
    condition = alltrue([
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms",
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled,
    ])
    error_message = "kms_key_arn switches to SSE-KMS with that key and a bucket key"
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy
    error_message = "force_destroy is passed through"
  }
}

run "versioning_false_suspends" {
  command = plan

  variables {
    versioning = false
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Suspended"
    error_message = "versioning = false suspends versioning"
  }
}

run "bucket_policy_denies_plain_http" {
  command = plan

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.this.statement :
      s.effect == "Deny" && s.actions == toset(["s3:*"]) &&
      s.resources == toset(["arn:aws:s3:::mock-bucket", "arn:aws:s3:::mock-bucket/*"]) &&
      anytrue([for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && c.values == tolist(["false"])]) &&
      anytrue([for p in s.principals : p.type == "*" && p.identifiers == toset(["*"])])
    ])
    error_message = "the bucket policy denies every request made without TLS, on the bucket and its objects"
  }

  assert {
    condition     = aws_s3_bucket_policy.this.bucket == "photos-uploads-123"
    error_message = "the TLS-only policy is attached to the bucket"
  }
}
