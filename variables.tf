variable "region" {
  description = "AWS region every scenario is deployed to."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-\\d$", var.region))
    error_message = "region must look like an AWS region name, e.g. us-east-1."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name, so several copies of the stack can share an account."
  type        = string
  default     = "lbp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name_prefix))
    error_message = "name_prefix must be 2-20 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource (merged over Project = lambda-blueprints)."
  type        = map(string)
  default     = {}
}

variable "s3_use_path_style" {
  description = "Path-style S3 addressing; true for emulators (set through TF_VAR_s3_use_path_style), false for AWS."
  type        = bool
  default     = false
}

variable "build_dir" {
  description = "Folder holding the zips built by `make build` (functions/<name>.zip, layers/<name>.zip)."
  type        = string
  default     = "build"
}

variable "log_retention_in_days" {
  description = "Retention of every function's log group."
  type        = number
  default     = 14
}

variable "enable_hello" {
  description = "Deploy the smoke-test function (proves the runtime, the shared layer and logging)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete buckets that still hold objects (handy for test stacks; keep false for real data)."
  type        = bool
  default     = false
}

variable "enable_s3_object_index" {
  description = "Deploy scenario 2: S3 object events indexed into DynamoDB, with a query API."
  type        = bool
  default     = true
}

variable "s3_object_index" {
  description = "Settings passed to modules/s3-object-index (see its README)."
  type = object({
    api_auth_type          = optional(string, "AWS_IAM")
    tombstone_ttl_days     = optional(number, 7)
    indexer_environment    = optional(map(string), {})
    indexer_retry_attempts = optional(number, 2)
  })
  default = {}
}
