variable "name" {
  description = "Bucket name (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !can(regex("\\.\\.", var.name))
    error_message = "name: S3 bucket names are 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit, without '..' (S3 bucket naming rule)."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete the bucket while it still holds objects (and object versions)."
  type        = bool
  default     = false
}

variable "versioning" {
  description = "Object versioning: true = Enabled, false = Suspended."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key ARN for default encryption (SSE-KMS with an S3 bucket key). null = SSE-S3 (AES256)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
