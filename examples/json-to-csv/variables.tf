variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the scenario's resources."
  type        = string
  default     = "example-json-to-csv"
}

variable "build_dir" {
  description = "Folder with the zips of `make build` for one architecture, relative to this example."
  type        = string
  default     = "../../build/x86_64"
}
