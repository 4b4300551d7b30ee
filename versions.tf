terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }
}

# The same provider block serves a real account and an emulator: the endpoint comes from
# AWS_ENDPOINT_URL and credentials from the usual AWS_* variables; only S3 path-style
# addressing needs a switch (the Makefile sets TF_VAR_s3_use_path_style for emulators).
provider "aws" {
  region            = var.region
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = local.tags
  }
}
