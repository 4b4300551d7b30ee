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

module "fleet" {
  source = "../../modules/fleet-provisioner"

  name     = var.name
  packages = { provisioner = { file = "${var.build_dir}/functions/fleet_provisioner.zip" } }
  layers   = { powertools = aws_lambda_layer_version.powertools.arn }
  fleet = [{
    name               = "web"
    instance_type      = "t3.micro"
    image_id           = var.image_id
    subnet_id          = var.subnet_id
    security_group_ids = var.security_group_ids
    count              = 2
  }]
}
