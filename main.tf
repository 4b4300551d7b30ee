# The root stack: every scenario of lambda-blueprints, each behind its enable_<scenario> switch.

locals {
  tags      = merge({ Project = "lambda-blueprints" }, var.tags)
  build_dir = abspath("${path.root}/${var.build_dir}")
}

# Shared layer: aws-lambda-powertools (structured logging, batch processing), built by make build
# for the functions' runtime and architecture.
resource "aws_lambda_layer_version" "powertools" {
  layer_name               = "${var.name_prefix}-powertools"
  description              = "aws-lambda-powertools for python3.12 x86_64 (built by make build)"
  filename                 = "${local.build_dir}/layers/powertools.zip"
  source_code_hash         = filebase64sha256("${local.build_dir}/layers/powertools.zip")
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["x86_64"]
}

module "hello" {
  source = "./modules/lambda-function"
  count  = var.enable_hello ? 1 : 0

  name                  = "${var.name_prefix}-hello"
  description           = "Smoke test: answers with facts about its runtime."
  package               = "${local.build_dir}/functions/hello.zip"
  handler               = "hello.handler.lambda_handler"
  layers                = [aws_lambda_layer_version.powertools.arn]
  log_retention_in_days = var.log_retention_in_days
  environment_variables = { POWERTOOLS_SERVICE_NAME = "hello" }
  tags                  = local.tags
}

data "aws_caller_identity" "current" {}

module "s3_object_index" {
  source = "./modules/s3-object-index"
  count  = var.enable_s3_object_index ? 1 : 0

  name = "${var.name_prefix}-objidx"
  buckets = {
    uploads = {
      name          = "${var.name_prefix}-uploads-${data.aws_caller_identity.current.account_id}-${var.region}"
      force_destroy = var.force_destroy
    }
  }
  packages = {
    indexer = "${local.build_dir}/functions/s3_object_index.zip"
    api     = "${local.build_dir}/functions/s3_object_index_api.zip"
  }
  layers             = [aws_lambda_layer_version.powertools.arn]
  tombstone_ttl_days = var.s3_object_index.tombstone_ttl_days
  indexer = {
    environment_variables  = var.s3_object_index.indexer_environment
    maximum_retry_attempts = var.s3_object_index.indexer_retry_attempts
  }
  api                   = { auth_type = var.s3_object_index.api_auth_type }
  log_retention_in_days = var.log_retention_in_days
  tags                  = local.tags
}
