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

module "ebs_backup" {
  source = "../../modules/ebs-snapshot-backup"

  name      = var.name
  packages  = { backup = { file = "${var.build_dir}/functions/ebs_snapshot_backup.zip" } }
  layers    = { powertools = aws_lambda_layer_version.powertools.arn }
  retention = { days = 14 }
}
