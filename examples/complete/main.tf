# Every scenario module with its minimal inputs, sharing one pair of layers: the all-in-one
# example (the repository's root stack is the same composition with every setting exposed).

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  suffix = "${data.aws_caller_identity.current.account_id}-${var.region}" # bucket names are global
  layers = { powertools = aws_lambda_layer_version.powertools.arn }
  zip    = "${var.build_dir}/functions"
}

# aws-lambda-powertools, needed by every handler (make build: layers/powertools.zip).
resource "aws_lambda_layer_version" "powertools" {
  layer_name          = "${var.name}-powertools"
  filename            = "${var.build_dir}/layers/powertools.zip"
  source_code_hash    = filebase64sha256("${var.build_dir}/layers/powertools.zip")
  compatible_runtimes = ["python3.12"]
}

# Pillow built as manylinux wheels for the Lambda target (make build: layers/pillow.zip).
resource "aws_lambda_layer_version" "pillow" {
  layer_name          = "${var.name}-pillow"
  filename            = "${var.build_dir}/layers/pillow.zip"
  source_code_hash    = filebase64sha256("${var.build_dir}/layers/pillow.zip")
  compatible_runtimes = ["python3.12"]
}

# 1. EC2 instances started and stopped on schedules.
module "ec2_scheduler" {
  source = "../../modules/ec2-scheduler"

  name     = "${var.name}-ec2-scheduler"
  packages = { scheduler = { file = "${local.zip}/ec2_scheduler.zip" } }
  layers   = local.layers
  schedules = {
    office-hours = {
      time_zone = "Europe/Berlin"
      periods   = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }]
    }
  }
}

# 2. S3 object events indexed into DynamoDB, queryable over HTTP.
module "s3_object_index" {
  source = "../../modules/s3-object-index"

  name    = "${var.name}-s3-object-index"
  buckets = { uploads = { name = "${var.name}-uploads-${local.suffix}" } }
  packages = {
    indexer = { file = "${local.zip}/s3_object_index.zip" }
    api     = { file = "${local.zip}/s3_object_index_api.zip" }
  }
  layers = local.layers
}

# 3. EBS snapshot backups with retention.
module "ebs_snapshot_backup" {
  source = "../../modules/ebs-snapshot-backup"

  name      = "${var.name}-ebs-snapshot-backup"
  packages  = { backup = { file = "${local.zip}/ebs_snapshot_backup.zip" } }
  layers    = local.layers
  retention = { days = 14 }
}

# 4. Images resized on upload, with a chained report step.
module "image_renditions" {
  source = "../../modules/image-renditions"

  name = "${var.name}-image-renditions"
  buckets = {
    source      = { name = "${var.name}-images-${local.suffix}" }
    destination = { name = "${var.name}-renditions-${local.suffix}" }
  }
  packages = {
    renditions = { file = "${local.zip}/image_renditions.zip" }
    report     = { file = "${local.zip}/image_renditions_report.zip" }
  }
  layers = merge(local.layers, { pillow = aws_lambda_layer_version.pillow.arn })
}

# 5. JSON to CSV from S3 objects and a Kinesis stream.
module "json_to_csv" {
  source = "../../modules/json-to-csv"

  name  = "${var.name}-json-to-csv"
  input = { bucket_name = "${var.name}-json-${local.suffix}" }
  packages = {
    s3     = { file = "${local.zip}/json_to_csv_s3.zip" }
    stream = { file = "${local.zip}/json_to_csv_stream.zip" }
  }
  layers = local.layers
}

# 6. CloudWatch alarms notified through an SNS topic.
module "alarm_notifier" {
  source = "../../modules/alarm-notifier"

  name               = "${var.name}-alarm-notifier"
  packages           = { notifier = { file = "${local.zip}/alarm_notifier.zip" } }
  layers             = local.layers
  notification_topic = { email_subscriptions = ["oncall@example.com"] }
}

# 7. A scheduled message to recipients kept in a table.
module "scheduled_message" {
  source = "../../modules/scheduled-message"

  name     = "${var.name}-scheduled-message"
  packages = { sender = { file = "${local.zip}/scheduled_message.zip" } }
  layers   = local.layers
  schedule = { time = "12:00", time_zone = "Europe/London" }
  sender   = { email = "birthdays@example.com" }
}

# 8. A fleet of servers provisioned on a schedule from specs kept in SSM.
module "fleet_provisioner" {
  source = "../../modules/fleet-provisioner"

  name     = "${var.name}-fleet-provisioner"
  packages = { provisioner = { file = "${local.zip}/fleet_provisioner.zip" } }
  layers   = local.layers
  fleet = [{
    name               = "web"
    instance_type      = "t3.micro"
    image_id           = var.fleet.image_id
    subnet_id          = var.fleet.subnet_id
    security_group_ids = var.fleet.security_group_ids
    count              = 2
  }]
}
