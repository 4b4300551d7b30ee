# Plan-only tests of the IAM and transport hardening of modules/ebs-snapshot-backup (issue 12).

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

run "copy_tags_only_when_copying" {
  command = plan

  assert {
    condition     = one([for s in output.policy_statements : [for c in s.conditions : c.values if c.variable == "ec2:CreateAction"][0] if s.sid == "TagSnapshotsOnCreate"]) == tolist(["CreateSnapshot"])
    error_message = "without copy, CreateTags is allowed only with ec2:CreateAction = CreateSnapshot"
  }
}

run "copy_tags_with_copying" {
  command = plan

  variables {
    copy = { region = "eu-central-1" }
  }

  assert {
    condition     = one([for s in output.policy_statements : [for c in s.conditions : c.values if c.variable == "ec2:CreateAction"][0] if s.sid == "TagSnapshotsOnCreate"]) == tolist(["CreateSnapshot", "CopySnapshot"])
    error_message = "with copy, CreateTags is also allowed as part of CopySnapshot"
  }
}

run "copying_encrypted_snapshots_uses_the_keys_through_ec2_only" {
  command = plan

  variables {
    copy         = { region = "eu-central-1" }
    kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-central-1:123456789012:key/2222bbbb-12ab-34cd-56ef-1234567890ab"]
  }

  # What CopySnapshot of a snapshot encrypted with a customer managed key needs, as AWS documents.
  assert {
    condition = toset(one([for s in output.policy_statements : s.actions if s.sid == "CopyEncryptedSnapshots"])) == toset([
      "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    ])
    error_message = "the KMS actions CopySnapshot needs"
  }

  assert {
    condition     = one([for s in output.policy_statements : s.resources if s.sid == "CopyEncryptedSnapshots"]) == var.kms_key_arns
    error_message = "only on the listed keys"
  }

  assert {
    condition = one([for s in output.policy_statements : s.conditions if s.sid == "CopyEncryptedSnapshots"]) == [{
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ec2.eu-west-1.amazonaws.com", "ec2.us-east-1.amazonaws.com", "ec2.eu-central-1.amazonaws.com"]
    }]
    error_message = "only through EC2 in the backed-up and copy regions"
  }
}

run "no_keys_or_no_copy_no_kms_for_snapshots" {
  command = plan

  variables {
    kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-12ab-34cd-56ef-1234567890ab"]
  }

  assert {
    condition     = length([for s in output.policy_statements : s if s.sid == "CopyEncryptedSnapshots"]) == 0
    error_message = "no KMS permission for snapshots when nothing is copied"
  }
}

run "customer_key_covers_the_failure_queue" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/3333cccc-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = toset(one([for s in output.policy_statements : s.actions if s.sid == "UseQueueKey"])) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && one([for s in output.policy_statements : s.resources if s.sid == "UseQueueKey"]) == ["arn:aws:kms:us-east-1:123456789012:key/3333cccc-12ab-34cd-56ef-1234567890ab"]
    error_message = "failed runs reach the SSE-KMS queue: the role may use its key"
  }

  assert {
    condition     = module.on_failure_queue.kms_key_arn == var.kms_key_arn
    error_message = "the failure queue is encrypted with the customer key"
  }
}

run "environment_cannot_widen_the_regions" {
  command = plan

  variables {
    functions = { backup = { environment_variables = { REGIONS = "ap-south-1" } } }
  }

  expect_failures = [var.functions]
}

# The queue is modules/private-queue (TLS-only policy and retention tested there).
run "failure_queue_is_a_private_queue_with_sse_sqs" {
  command = plan

  assert {
    condition     = module.on_failure_queue.kms_key_arn == null
    error_message = "without kms_key_arn the failure queue uses SQS-managed SSE"
  }
}

run "copy_is_authorized_on_the_source_and_the_new_snapshot" {
  command = plan

  variables {
    copy = { region = "eu-central-1" }
  }

  # EC2 authorizes CopySnapshot on the source snapshot (its tags: only this deployment's) and
  # on the new one in the copy region (the request's tags: created managed-by this deployment).
  assert {
    condition = jsonencode(one([for s in output.policy_statements : s if s.sid == "CopyFromManagedSnapshots"]).resources) == jsonencode(["arn:aws:ec2:eu-west-1::snapshot/*", "arn:aws:ec2:us-east-1::snapshot/*"]) && jsonencode(one([for s in output.policy_statements : s.conditions if s.sid == "CopyFromManagedSnapshots"])) == jsonencode([{
      test     = "StringEquals"
      variable = "aws:ResourceTag/ebs-backup:managed-by"
      values   = ["nightly"]
    }])
    error_message = "CopySnapshot from this deployment's snapshots in the backed-up regions"
  }

  assert {
    condition     = jsonencode(one([for s in output.policy_statements : s.resources if s.sid == "CopyManagedSnapshots"])) == jsonencode(["arn:aws:ec2:eu-central-1::snapshot/*"])
    error_message = "the new snapshot only in the copy region, with the managed-by request tag"
  }
}
