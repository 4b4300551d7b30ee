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

module "alarms" {
  source = "../../modules/alarm-notifier"

  name               = var.name
  packages           = { notifier = { file = "${var.build_dir}/functions/alarm_notifier.zip" } }
  layers             = { powertools = aws_lambda_layer_version.powertools.arn }
  notification_topic = { email_subscriptions = ["oncall@example.com"] }
}
