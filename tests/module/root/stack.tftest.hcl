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
      webhook = {
        url_parameter_name        = "/ops/slack-webhook"
        url_parameter_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
      }
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

run "layers_only_for_the_scenarios_that_are_on" {
  command = plan

  variables {
    enable_ec2_scheduler = true
  }

  assert {
    condition     = length(aws_lambda_layer_version.powertools) == 1 && length(aws_lambda_layer_version.pillow) == 0
    error_message = "the EC2 scheduler needs the powertools layer, not Pillow"
  }
}

run "pillow_layer_with_image_renditions" {
  command = plan

  variables {
    enable_image_renditions = true
    image_renditions        = { functions = { renditions = { maximum_retry_attempts = 0 } } }
  }

  assert {
    condition     = length(aws_lambda_layer_version.pillow) == 1 && module.image_renditions[0].function_names.renditions == "lbp-image-renditions-renditions"
    error_message = "image renditions get the Pillow layer, and the module is named for what it is"
  }
}

run "functions_settings_reach_the_module_in_its_own_shape" {
  command = plan

  variables {
    enable_s3_object_index = true
    s3_object_index        = { functions = { indexer = { maximum_retry_attempts = 0, environment_variables = { LOG_LEVEL = "DEBUG" } } } }
  }

  assert {
    condition     = module.s3_object_index[0].function_names.indexer == "lbp-s3-object-index-indexer" && output.s3_object_index.indexer_function_name == "lbp-s3-object-index-indexer"
    error_message = "the root output comes from the module's function_names"
  }
}

run "functions_reject_an_unknown_role" {
  command = plan

  variables {
    s3_object_index = { functions = { indxer = { maximum_retry_attempts = 0 } } }
  }

  expect_failures = [var.s3_object_index]
}

run "every_scenario_plans_with_its_module_outputs" {
  command = plan

  variables {
    enable_hello               = true
    enable_s3_object_index     = true
    enable_image_renditions    = true
    enable_alarm_notifier      = true
    enable_json_to_csv         = true
    enable_ec2_scheduler       = true
    enable_ebs_snapshot_backup = true
    enable_fleet_provisioner   = true
    enable_scheduled_message   = true
    fleet_provisioner = {
      servers = [{ name = "web", instance_type = "t3.micro", image_id = "ami-0123456789abcdef0", subnet_id = "subnet-0123456789abcdef0", security_group_ids = ["sg-0123456789abcdef0"] }]
    }
  }

  assert {
    condition     = output.ebs_snapshot_backup.managed_tag_value == "lbp-ebs-snapshot-backup" && output.json_to_csv.converter_function_name == "lbp-json-to-csv-s3" && output.scheduled_message.function_name == "lbp-scheduled-message-sender"
    error_message = "root outputs come from the modules' outputs, names say what they are"
  }
}
