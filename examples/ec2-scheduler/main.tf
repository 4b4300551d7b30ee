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

module "ec2_scheduler" {
  source = "../../modules/ec2-scheduler"

  name     = var.name
  packages = { scheduler = { file = "${var.build_dir}/functions/ec2_scheduler.zip" } }
  layers   = { powertools = aws_lambda_layer_version.powertools.arn }
  schedules = {
    office-hours = {
      time_zone = "Europe/Berlin"
      periods   = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }]
    }
  }
}
