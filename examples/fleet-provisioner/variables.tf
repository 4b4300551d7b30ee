variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the scenario's resources."
  type        = string
  default     = "example-fleet-provisioner"
}

variable "build_dir" {
  description = "Folder with the zips of `make build` for one architecture, relative to this example."
  type        = string
  default     = "../../build/x86_64"
}

variable "image_id" {
  description = "AMI of the fleet's servers."
  type        = string
  default     = "ami-0123456789abcdef0"
}

variable "subnet_id" {
  description = "Subnet of the fleet's servers."
  type        = string
  default     = "subnet-0123456789abcdef0"
}

variable "security_group_ids" {
  description = "Security groups of the fleet's servers."
  type        = list(string)
  default     = ["sg-0123456789abcdef0"]
}
