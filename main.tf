# The root stack: every scenario of lambda-blueprints, each behind its enable_<scenario> switch.

locals {
  # Applied to every resource through the provider's default_tags (versions.tf); passing them to
  # the modules' `tags` as well would duplicate them (and makes some resources drift).
  tags      = merge({ Project = "lambda-blueprints" }, var.tags)
  build_dir = abspath("${path.root}/${var.build_dir}/${var.architecture}") # make build: build/<architecture>/

  # Layers are built into the stack only for the scenarios that are on: a root with every
  # enable_* false plans nothing.
  needs_powertools = anytrue([
    var.enable_hello, var.enable_s3_object_index, var.enable_image_renditions, var.enable_alarm_notifier,
    var.enable_json_to_csv, var.enable_ec2_scheduler, var.enable_ebs_snapshot_backup,
    var.enable_fleet_provisioner, var.enable_scheduled_message,
  ])
  needs_pillow = var.enable_image_renditions
  powertools   = one(aws_lambda_layer_version.powertools[*].arn)
  # Bucket names carry the account and region (S3 names are global).
  name_suffix = one([for id in data.aws_caller_identity.current : "${id.account_id}-${var.region}"])
}

# Shared layer: aws-lambda-powertools (structured logging, batch processing), built by make build
# for the functions' runtime and architecture.
resource "aws_lambda_layer_version" "powertools" {
  count = local.needs_powertools ? 1 : 0

  layer_name               = "${var.name_prefix}-powertools"
  description              = "aws-lambda-powertools for python3.12 ${var.architecture} (built by make build)"
  filename                 = "${local.build_dir}/layers/powertools.zip"
  source_code_hash         = filebase64sha256("${local.build_dir}/layers/powertools.zip")
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = [var.architecture]
}

# Shared layer: Pillow (image decoding/encoding), built by make build as manylinux wheels for the
# functions' runtime and architecture (never vendored from the build machine).
resource "aws_lambda_layer_version" "pillow" {
  count = local.needs_pillow ? 1 : 0

  layer_name               = "${var.name_prefix}-pillow"
  description              = "Pillow for python3.12 ${var.architecture} (built by make build)"
  filename                 = "${local.build_dir}/layers/pillow.zip"
  source_code_hash         = filebase64sha256("${local.build_dir}/layers/pillow.zip")
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = [var.architecture]
}

module "hello" {
  source       = "./modules/lambda-function"
  count        = var.enable_hello ? 1 : 0
  architecture = var.architecture

  name                  = "${var.name_prefix}-hello"
  description           = "Smoke test: answers with facts about its runtime."
  package               = { file = "${local.build_dir}/functions/hello.zip" }
  handler               = "hello.handler.lambda_handler"
  layers                = [local.powertools]
  log_retention_in_days = var.log_retention_in_days
  environment_variables = { POWERTOOLS_SERVICE_NAME = "hello" }
}

data "aws_caller_identity" "current" {
  count = var.enable_s3_object_index || var.enable_image_renditions || var.enable_json_to_csv ? 1 : 0
}

module "s3_object_index" {
  source       = "./modules/s3-object-index"
  count        = var.enable_s3_object_index ? 1 : 0
  architecture = var.architecture

  name = "${var.name_prefix}-s3-object-index"
  buckets = {
    uploads = {
      name          = "${var.name_prefix}-uploads-${local.name_suffix}"
      force_destroy = var.force_destroy
    }
  }
  packages = {
    indexer = { file = "${local.build_dir}/functions/s3_object_index.zip" }
    api     = { file = "${local.build_dir}/functions/s3_object_index_api.zip" }
  }
  layers                = { powertools = local.powertools }
  functions             = var.s3_object_index.functions
  tombstone_ttl_days    = var.s3_object_index.tombstone_ttl_days
  fetch_content_type    = var.s3_object_index.fetch_content_type
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}

module "image_renditions" {
  source       = "./modules/image-renditions"
  count        = var.enable_image_renditions ? 1 : 0
  architecture = var.architecture

  name = "${var.name_prefix}-image-renditions"
  buckets = {
    source = {
      name          = "${var.name_prefix}-img-uploads-${local.name_suffix}"
      force_destroy = var.force_destroy
    }
    destination = {
      name          = "${var.name_prefix}-img-renditions-${local.name_suffix}"
      force_destroy = var.force_destroy
    }
  }
  renditions        = var.image_renditions.renditions
  limits            = var.image_renditions.limits
  quarantine_prefix = var.image_renditions.quarantine_prefix
  replica           = var.image_renditions.replica
  packages = {
    renditions = { file = "${local.build_dir}/functions/image_renditions.zip" }
    report     = { file = "${local.build_dir}/functions/image_renditions_report.zip" }
  }
  layers                = { powertools = local.powertools, pillow = one(aws_lambda_layer_version.pillow[*].arn) }
  functions             = var.image_renditions.functions
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}

module "alarm_notifier" {
  source       = "./modules/alarm-notifier"
  count        = var.enable_alarm_notifier ? 1 : 0
  architecture = var.architecture

  name               = "${var.name_prefix}-alarm-notifier"
  packages           = { notifier = { file = "${local.build_dir}/functions/alarm_notifier.zip" } }
  layers             = { powertools = local.powertools }
  functions          = var.alarm_notifier.functions
  cpu_alarms         = var.alarm_notifier.cpu_alarms
  log_alarms         = var.alarm_notifier.log_alarms
  email              = var.alarm_notifier.email
  notification_topic = var.alarm_notifier.notification_topic
  # A webhook URL given to the root turns the channel on (the module stores it in a parameter).
  webhook = var.alarm_notifier.webhook == null && !nonsensitive(var.alarm_notifier_webhook_url != null) ? null : {
    url_parameter_name        = try(var.alarm_notifier.webhook.url_parameter_name, null)
    url_parameter_kms_key_arn = try(var.alarm_notifier.webhook.url_parameter_kms_key_arn, null)
    timeout_seconds           = try(var.alarm_notifier.webhook.timeout_seconds, null)
  }
  webhook_url           = var.alarm_notifier_webhook_url
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}

module "json_to_csv" {
  source       = "./modules/json-to-csv"
  count        = var.enable_json_to_csv ? 1 : 0
  architecture = var.architecture

  name = "${var.name_prefix}-json-to-csv"
  input = {
    bucket_name   = "${var.name_prefix}-json-to-csv-${local.name_suffix}"
    force_destroy = var.force_destroy
  }
  columns = var.json_to_csv.columns
  csv     = var.json_to_csv.csv
  stream  = var.json_to_csv.stream
  packages = {
    s3     = { file = "${local.build_dir}/functions/json_to_csv_s3.zip" }
    stream = { file = "${local.build_dir}/functions/json_to_csv_stream.zip" }
  }
  layers                = { powertools = local.powertools }
  functions             = var.json_to_csv.functions
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}

module "ec2_scheduler" {
  source       = "./modules/ec2-scheduler"
  count        = var.enable_ec2_scheduler ? 1 : 0
  architecture = var.architecture

  name                  = "${var.name_prefix}-ec2-scheduler"
  packages              = { scheduler = { file = "${local.build_dir}/functions/ec2_scheduler.zip" } }
  layers                = { powertools = local.powertools }
  functions             = var.ec2_scheduler.functions
  schedules             = var.ec2_scheduler.schedules
  tag_key               = var.ec2_scheduler.tag_key
  regions               = var.ec2_scheduler.regions
  instances             = var.ec2_scheduler.instances
  schedule_expression   = var.ec2_scheduler.schedule_expression
  rule_enabled          = var.ec2_scheduler.rule_enabled
  enforced              = var.ec2_scheduler.enforced
  dry_run               = var.ec2_scheduler.dry_run
  kms_key_arns          = var.ec2_scheduler.kms_key_arns
  log_retention_in_days = var.log_retention_in_days
}

module "ebs_snapshot_backup" {
  source       = "./modules/ebs-snapshot-backup"
  count        = var.enable_ebs_snapshot_backup ? 1 : 0
  architecture = var.architecture

  name                  = "${var.name_prefix}-ebs-snapshot-backup"
  packages              = { backup = { file = "${local.build_dir}/functions/ebs_snapshot_backup.zip" } }
  layers                = { powertools = local.powertools }
  schedule              = var.ebs_snapshot_backup.schedule
  regions               = var.ebs_snapshot_backup.regions
  selection             = var.ebs_snapshot_backup.selection
  retention             = var.ebs_snapshot_backup.retention
  copy                  = var.ebs_snapshot_backup.copy
  functions             = var.ebs_snapshot_backup.functions
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}

# Scenario: an EC2 fleet described in SSM, reconciled on a schedule. Without explicit servers it
# provisions five servers of four configurations in the default VPC from the latest Amazon Linux
# 2023 image.
data "aws_vpc" "fleet_default" {
  count   = var.enable_fleet_provisioner && var.fleet_provisioner.servers == null ? 1 : 0
  default = true
}

data "aws_subnets" "fleet_default" {
  count = length(data.aws_vpc.fleet_default)
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.fleet_default[0].id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

data "aws_security_group" "fleet_default" {
  count  = length(data.aws_vpc.fleet_default)
  vpc_id = data.aws_vpc.fleet_default[0].id
  name   = "default"
}

data "aws_ssm_parameter" "fleet_al2023" {
  count = var.enable_fleet_provisioner && var.fleet_provisioner.image_id == null ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

locals {
  fleet_image_id = var.fleet_provisioner.image_id != null ? var.fleet_provisioner.image_id : one(data.aws_ssm_parameter.fleet_al2023[*].insecure_value)
  fleet_subnets  = sort(flatten(data.aws_subnets.fleet_default[*].ids))
  fleet_groups   = data.aws_security_group.fleet_default[*].id
  fleet_servers = var.fleet_provisioner.servers != null ? var.fleet_provisioner.servers : [
    for s in [
      { name = "web", instance_type = "t3.micro", subnet = 0, count = 2, tags = { Role = "web", Tier = "frontend" } },
      { name = "api", instance_type = "t3.small", subnet = 1, count = 1, tags = { Role = "api", Tier = "backend" } },
      { name = "worker", instance_type = "t3a.micro", subnet = 2, count = 1, tags = { Role = "worker", Tier = "backend" } },
      { name = "bastion", instance_type = "t3.nano", subnet = 0, count = 1, tags = { Role = "bastion", Tier = "admin" } },
      ] : {
      name               = s.name
      instance_type      = s.instance_type
      image_id           = local.fleet_image_id
      subnet_id          = length(local.fleet_subnets) > 0 ? element(local.fleet_subnets, s.subnet) : null
      security_group_ids = local.fleet_groups
      tags               = s.tags
      count              = s.count
    }
  ]
}

module "fleet_provisioner" {
  source       = "./modules/fleet-provisioner"
  count        = var.enable_fleet_provisioner ? 1 : 0
  architecture = var.architecture

  name                         = "${var.name_prefix}-fleet-provisioner"
  packages                     = { provisioner = { file = "${local.build_dir}/functions/fleet_provisioner.zip" } }
  layers                       = { powertools = local.powertools }
  functions                    = var.fleet_provisioner.functions
  fleet                        = local.fleet_servers
  max_instances                = var.fleet_provisioner.max_instances
  allowed_launch               = var.fleet_provisioner.allowed_launch
  instance_tags                = local.tags
  parameter                    = var.fleet_provisioner.parameter
  schedule_expression          = var.fleet_provisioner.schedule_expression
  teardown_schedule_expression = var.fleet_provisioner.teardown_schedule_expression
  log_retention_in_days        = var.log_retention_in_days
}

module "scheduled_message" {
  source       = "./modules/scheduled-message"
  count        = var.enable_scheduled_message ? 1 : 0
  architecture = var.architecture

  name                  = "${var.name_prefix}-scheduled-message"
  packages              = { sender = { file = "${local.build_dir}/functions/scheduled_message.zip" } }
  layers                = { powertools = local.powertools }
  functions             = var.scheduled_message.functions
  schedule              = var.scheduled_message.schedule
  sender                = var.scheduled_message.sender
  message               = var.scheduled_message.message
  deletion_protection   = !var.force_destroy
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = var.log_retention_in_days
}
