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

module "json_to_csv" {
  source = "../../modules/json-to-csv"

  name  = var.name
  input = { bucket_name = "${var.name}-${data.aws_caller_identity.current.account_id}-${var.region}" }
  packages = {
    s3     = { file = "${var.build_dir}/functions/json_to_csv_s3.zip" }
    stream = { file = "${var.build_dir}/functions/json_to_csv_stream.zip" }
  }
  layers = { powertools = aws_lambda_layer_version.powertools.arn }
}
