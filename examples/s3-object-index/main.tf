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

module "object_index" {
  source = "../../modules/s3-object-index"

  name = var.name
  buckets = {
    uploads = { name = "${var.name}-uploads-${data.aws_caller_identity.current.account_id}-${var.region}" }
  }
  packages = {
    indexer = { file = "${var.build_dir}/functions/s3_object_index.zip" }
    api     = { file = "${var.build_dir}/functions/s3_object_index_api.zip" }
  }
  layers = { powertools = aws_lambda_layer_version.powertools.arn }
}
