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

module "birthdays" {
  source = "../../modules/scheduled-message"

  name     = var.name
  packages = { sender = { file = "${var.build_dir}/functions/scheduled_message.zip" } }
  layers   = { powertools = aws_lambda_layer_version.powertools.arn }
  schedule = { time = "12:00", time_zone = "Europe/London" }
  sender   = { email = "birthdays@example.com" }
}
