# A platform team's own stack, outside this repository: the modules come from a tagged git
# revision, the code from released artifacts in the team's artifact bucket (`make release`,
# uploaded with its manifest.json). Nothing here runs this repository's build.
# tests/integration/consumption copies this folder to a temp dir and fills in SOURCE_REPO and
# RELEASE_TAG (a module source must be a literal).

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }
}

provider "aws" {
  region            = var.region
  s3_use_path_style = var.s3_use_path_style
}

variable "region" {
  type = string
}

variable "s3_use_path_style" {
  type    = bool
  default = false
}

variable "name" {
  type = string
}

variable "artifact_bucket" {
  description = "Bucket holding the release under lambda-blueprints/<version>/."
  type        = string
}

variable "object_versions" {
  description = "S3 object version id of each uploaded artifact, by its file in the release."
  type        = map(string)
  default     = {}
}

locals {
  release = jsondecode(file("${path.module}/manifest.json"))
  prefix  = "lambda-blueprints/${local.release.version}"
  # file in the release (x86_64/functions/<name>.zip) -> { bucket, key, version, sha256 }
  artifacts = {
    for a in local.release.artifacts : a.file => {
      bucket  = var.artifact_bucket
      key     = "${local.prefix}/${a.file}"
      version = lookup(var.object_versions, a.file, null)
      sha256  = a.sha256
    } if a.architecture == "x86_64"
  }
}

data "aws_caller_identity" "current" {}

resource "aws_lambda_layer_version" "powertools" {
  layer_name               = "${var.name}-powertools"
  s3_bucket                = local.artifacts["x86_64/layers/powertools.zip"].bucket
  s3_key                   = local.artifacts["x86_64/layers/powertools.zip"].key
  s3_object_version        = local.artifacts["x86_64/layers/powertools.zip"].version
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["x86_64"]
}

module "object_index" {
  source = "git::file://SOURCE_REPO//modules/s3-object-index?ref=RELEASE_TAG"

  name = "${var.name}-s3-object-index"
  buckets = {
    uploads = { name = "${var.name}-uploads-${data.aws_caller_identity.current.account_id}", force_destroy = true }
  }
  packages = {
    indexer = { s3 = local.artifacts["x86_64/functions/s3_object_index.zip"] }
    api     = { s3 = local.artifacts["x86_64/functions/s3_object_index_api.zip"] }
  }
  layers = { powertools = aws_lambda_layer_version.powertools.arn }
}

module "ec2_scheduler" {
  source = "git::file://SOURCE_REPO//modules/ec2-scheduler?ref=RELEASE_TAG"

  name     = "${var.name}-ec2-scheduler"
  packages = { scheduler = { s3 = local.artifacts["x86_64/functions/ec2_scheduler.zip"] } }
  layers   = { powertools = aws_lambda_layer_version.powertools.arn }
  schedules = {
    office-hours = {
      time_zone = "Europe/Berlin"
      periods   = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }]
    }
  }
  dry_run = true
}

output "uploads_bucket" {
  value = module.object_index.bucket_names["uploads"]
}

output "table_name" {
  value = module.object_index.table_name
}

output "indexer_function_name" {
  value = module.object_index.function_names["indexer"]
}

output "ec2_scheduler_function_name" {
  value = module.ec2_scheduler.function_names["scheduler"]
}
