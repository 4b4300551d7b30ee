provider "aws" {
  region = var.region
}

# aws-lambda-powertools, needed by every handler (make build: layers/powertools.zip).
resource "aws_lambda_layer_version" "powertools" {
  layer_name          = "${var.name}-powertools"
  filename            = "${var.build_dir}/layers/powertools.zip"
  source_code_hash    = filebase64sha256("${var.build_dir}/layers/powertools.zip")
  compatible_runtimes = ["python3.12"]
}

data "aws_caller_identity" "current" {}

# Pillow built as manylinux wheels for the Lambda target (make build: layers/pillow.zip).
resource "aws_lambda_layer_version" "pillow" {
  layer_name          = "${var.name}-pillow"
  filename            = "${var.build_dir}/layers/pillow.zip"
  source_code_hash    = filebase64sha256("${var.build_dir}/layers/pillow.zip")
  compatible_runtimes = ["python3.12"]
}

module "renditions" {
  source = "../../modules/image-renditions"

  name = var.name
  buckets = {
    source      = { name = "${var.name}-uploads-${data.aws_caller_identity.current.account_id}-${var.region}" }
    destination = { name = "${var.name}-renditions-${data.aws_caller_identity.current.account_id}-${var.region}" }
  }
  packages = {
    renditions = { file = "${var.build_dir}/functions/image_renditions.zip" }
    report     = { file = "${var.build_dir}/functions/image_renditions_report.zip" }
  }
  layers = { powertools = aws_lambda_layer_version.powertools.arn, pillow = aws_lambda_layer_version.pillow.arn }
}
