terraform {
  # `terraform test` with mock_provider (tests/) needs 1.7, override_during needs 1.11.
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }
}
