# Plan-only tests of the root stack's wiring (mocked provider, offline): what it passes to the
# modules and what it turns on by default. tests/module/test_root_plan.py runs them with fake
# build zips (build_dir).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  enable_hello               = false
  enable_s3_object_index     = false
  enable_image_renditions    = false
  enable_alarm_notifier      = false
  enable_json_to_csv         = false
  enable_ec2_scheduler       = false
  enable_ebs_snapshot_backup = false
  enable_scheduled_message   = false
}

run "fleet_provisioner_is_off_unless_asked_for" {
  command = plan

  # `make apply` on a real account must not launch instances nobody asked for.
  assert {
    condition     = length(module.fleet_provisioner) == 0 && var.enable_fleet_provisioner == false
    error_message = "the fleet provisioner is off by default"
  }
}

run "alarm_notifier_gets_the_webhook_parameters_key" {
  command = plan

  variables {
    enable_alarm_notifier = true
    alarm_notifier = {
      webhook_url_parameter_name        = "/ops/slack-webhook"
      webhook_url_parameter_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = contains(one([for s in module.alarm_notifier[0].policy_statements : s.resources if s.sid == "UseModuleKey"]), "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab")
    error_message = "GetParameter with decryption of a CMK-encrypted webhook parameter needs kms:Decrypt on its key"
  }
}

run "ec2_scheduler_gets_the_volume_keys" {
  command = plan

  variables {
    enable_ec2_scheduler = true
    ec2_scheduler = {
      kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/feed1234-12ab-34cd-56ef-1234567890ab"]
    }
  }

  assert {
    condition     = one([for s in module.ec2_scheduler[0].policy_statements : s.resources if s.sid == "GrantForEncryptedVolumes"]) == tolist(["arn:aws:kms:us-east-1:123456789012:key/feed1234-12ab-34cd-56ef-1234567890ab"])
    error_message = "starting instances with CMK-encrypted volumes needs kms:CreateGrant on their keys"
  }
}
