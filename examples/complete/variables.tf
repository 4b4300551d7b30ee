variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of every scenario's resources (each scenario is named <name>-<module>)."
  type        = string
  default     = "complete"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name: 2-21 characters of lower-case letters, digits and '-', starting with a letter (the longest scenario name, <name>-ebs-snapshot-backup, stays within the modules' 41)."
  }
}

variable "build_dir" {
  description = "Folder with the zips of `make build` for one architecture, relative to this example."
  type        = string
  default     = "../../build/x86_64"
}

variable "fleet" {
  description = "Where the fleet's servers run (scenario 8): an AMI, a subnet and security groups of your account."
  type = object({
    image_id           = string
    subnet_id          = string
    security_group_ids = list(string)
  })
  default = {
    image_id           = "ami-0123456789abcdef0"
    subnet_id          = "subnet-0123456789abcdef0"
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
