################################################################################
# Function
################################################################################

variable "name" {
  description = "Function name. Also names the execution role (unless `role_name` is set), the inline policy and the log group `/aws/lambda/<name>`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name: must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_' (Lambda function name rule)."
  }
}

variable "description" {
  description = "Function description shown in the console."
  type        = string
  default     = ""

  validation {
    condition     = length(var.description) <= 256
    error_message = "description: must be at most 256 characters (Lambda limit)."
  }
}

variable "package" {
  description = "The deployment zip, exactly one of `file` (path of a zip built outside Terraform, e.g. by `make build`; its SHA-256 becomes `source_code_hash`) or `s3` (an object in your artifact bucket, e.g. a released zip from `make release`: `bucket`, `key`, optional object `version` of a versioned bucket, and the zip's hex `sha256` as listed in the release's SHA256SUMS, which becomes `source_code_hash`). Either way the function is updated exactly when the zip's bytes change."
  type = object({
    file = optional(string)
    s3 = optional(object({
      bucket  = string
      key     = string
      version = optional(string)
      sha256  = string
    }))
  })

  validation {
    condition     = (var.package.file == null) != (var.package.s3 == null)
    error_message = "package: set exactly one of file (a local zip) or s3 (an object in an artifact bucket)."
  }

  validation {
    condition     = var.package.file == null ? true : endswith(var.package.file, ".zip")
    error_message = "package.file: must be the path of a .zip file (packaging happens outside Terraform; run make build)."
  }

  validation {
    condition     = var.package.file == null ? true : fileexists(var.package.file)
    error_message = "package.file: file not found; the deployment zip is built outside Terraform, run make build first (or pass the path of an existing zip)."
  }

  validation {
    condition     = var.package.s3 == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.package.s3.bucket)) && length(var.package.s3.key) > 0 && length(var.package.s3.key) <= 1024
    error_message = "package.s3: bucket must be an S3 bucket name (3-63 characters of a-z, 0-9, '.', '-') and key a non-empty object key."
  }

  validation {
    condition     = var.package.s3 == null ? true : can(regex("^[0-9a-fA-F]{64}$", var.package.s3.sha256))
    error_message = "package.s3.sha256: must be the zip's SHA-256 as 64 hex digits (as `sha256sum` and the release's SHA256SUMS print it)."
  }

  validation {
    condition     = var.package.s3 == null ? true : (var.package.s3.version == null ? true : length(var.package.s3.version) > 0)
    error_message = "package.s3.version: must be null or a non-empty S3 object version id."
  }
}

variable "handler" {
  description = "Entry point, `<module path>.<function>`, e.g. `app.handler` or `my_pkg.handler.main`."
  type        = string
  default     = "app.handler"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]*[A-Za-z0-9_]\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler: must look like <module>.<function> (e.g. app.handler)."
  }
}

variable "runtime" {
  description = "Python runtime. Only runtimes AWS still supports for new functions are accepted."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.10", "python3.11", "python3.12", "python3.13"], var.runtime)
    error_message = "runtime: only supported Python runtimes are allowed: python3.10, python3.11, python3.12, python3.13."
  }
}

variable "architecture" {
  description = "Instruction set. The zip's native wheels (if any) must match it."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture: must be x86_64 or arm64."
  }
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size: must be a whole number of MB between 128 and 10240 (Lambda limit)."
  }
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout: must be a whole number of seconds between 1 and 900 (Lambda limit)."
  }
}

variable "ephemeral_storage_size" {
  description = "Size of /tmp in MB (512 is Lambda's default and costs nothing extra)."
  type        = number
  default     = 512

  validation {
    condition     = var.ephemeral_storage_size >= 512 && var.ephemeral_storage_size <= 10240 && floor(var.ephemeral_storage_size) == var.ephemeral_storage_size
    error_message = "ephemeral_storage_size: must be a whole number of MB between 512 and 10240 (Lambda limit)."
  }
}

variable "environment_variables" {
  description = "Environment variables. Keys reserved by the Lambda runtime (AWS_REGION, _HANDLER, ...) are rejected. Do not put secrets here; read them from SSM/Secrets Manager at run time."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k))])
    error_message = "environment_variables: keys must start with a letter and contain only letters, digits and '_'."
  }

  validation {
    condition = length(setintersection(keys(var.environment_variables), [
      "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
      "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
      "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ])) == 0
    error_message = "environment_variables: keys reserved by the Lambda runtime (AWS_REGION, AWS_LAMBDA_*, _HANDLER, LAMBDA_TASK_ROOT, ...) cannot be set."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN used to encrypt environment variables at rest. null = the AWS managed key `aws/lambda`. The key policy must allow the execution role to decrypt."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "layers" {
  description = "Layer version ARNs (at most 5), in the order they are extracted."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layers) <= 5
    error_message = "layers: at most 5 layers per function (Lambda limit)."
  }

  validation {
    condition     = alltrue([for l in var.layers : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", l))])
    error_message = "layers: each entry must be a layer VERSION ARN, arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>."
  }
}

variable "publish" {
  description = "Publish a new version on every code/config change. Forced on when `alias` is set (an alias and provisioned concurrency need a published version)."
  type        = bool
  default     = false
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions: -1 = unreserved (shares the account pool), 0 = throttle everything (kill switch), N = reserve and cap at N."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrency >= -1 && floor(var.reserved_concurrency) == var.reserved_concurrency
    error_message = "reserved_concurrency: must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "alias" {
  description = "Create an alias pointing at the latest published version, optionally with provisioned concurrency. `{}` creates alias `live`. null = no alias."
  type = object({
    name                    = optional(string, "live")
    provisioned_concurrency = optional(number)
  })
  default = null

  validation {
    condition     = var.alias == null ? true : can(regex("^[A-Za-z0-9_-]{1,128}$", var.alias.name)) && !can(regex("^[0-9]+$", var.alias.name))
    error_message = "alias.name: must be 1-128 characters of A-Z, a-z, 0-9, '-' or '_' and not purely numeric (Lambda alias name rule)."
  }

  validation {
    condition     = var.alias == null ? true : (var.alias.provisioned_concurrency == null ? true : var.alias.provisioned_concurrency >= 1 && floor(var.alias.provisioned_concurrency) == var.alias.provisioned_concurrency)
    error_message = "alias.provisioned_concurrency: must be null or a whole number >= 1."
  }
}

variable "code_signing_config_arn" {
  description = "ARN of a Lambda code signing config to enforce signed deployment packages. null = no code signing."
  type        = string
  default     = null
}

################################################################################
# Asynchronous invocation, dead-letter target
################################################################################

variable "async_invoke" {
  description = "Asynchronous invocation settings (retries, maximum event age, destinations). Destination ARNs may be SQS, SNS, Lambda or EventBridge bus ARNs; the role gets the matching send permission scoped to each ARN. null = Lambda defaults (2 retries, 6 h) and no event-invoke config."
  type = object({
    maximum_retry_attempts       = optional(number, 2)
    maximum_event_age_in_seconds = optional(number, 21600)
    on_success_destination       = optional(string)
    on_failure_destination       = optional(string)
  })
  default = null

  validation {
    condition     = var.async_invoke == null ? true : contains([0, 1, 2], var.async_invoke.maximum_retry_attempts)
    error_message = "async_invoke.maximum_retry_attempts: must be 0, 1 or 2 (Lambda limit)."
  }

  validation {
    condition     = var.async_invoke == null ? true : var.async_invoke.maximum_event_age_in_seconds >= 60 && var.async_invoke.maximum_event_age_in_seconds <= 21600
    error_message = "async_invoke.maximum_event_age_in_seconds: must be between 60 and 21600 seconds (Lambda limit)."
  }

  validation {
    condition = var.async_invoke == null ? true : alltrue([
      for arn in [var.async_invoke.on_success_destination, var.async_invoke.on_failure_destination] :
      arn == null ? true : can(regex("^arn:aws[a-z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:[0-9]{12}:.+$", arn))
    ])
    error_message = "async_invoke destinations: must be SQS queue, SNS topic, Lambda function or EventBridge event bus ARNs."
  }
}

variable "dead_letter_target_arn" {
  description = "SQS queue or SNS topic ARN that receives events whose asynchronous invocation failed after all retries. The role gets sqs:SendMessage / sns:Publish on exactly this ARN. Prefer `async_invoke.on_failure_destination` (it records the error too)."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_target_arn == null ? true : can(regex("^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", var.dead_letter_target_arn))
    error_message = "dead_letter_target_arn: must be an SQS queue or SNS topic ARN."
  }
}

################################################################################
# Networking, tracing, logs
################################################################################

variable "vpc" {
  description = "Run the function in a VPC. Attaches the AWS managed policy AWSLambdaVPCAccessExecutionRole (ENI permissions cannot be scoped to resources). null = no VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.vpc == null ? true : length(var.vpc.subnet_ids) > 0 && length(var.vpc.security_group_ids) > 0
    error_message = "vpc: subnet_ids and security_group_ids must both be non-empty when vpc is set."
  }

  validation {
    condition = var.vpc == null ? true : alltrue(concat(
      [for s in var.vpc.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))],
      [for g in var.vpc.security_group_ids : can(regex("^sg-[0-9a-f]+$", g))],
    ))
    error_message = "vpc: subnet_ids must look like subnet-xxxx and security_group_ids like sg-xxxx."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode. `Active` also grants xray:PutTraceSegments and xray:PutTelemetryRecords (these actions do not support resource-level permissions, so their resource is `*`)."
  type        = string
  default     = "PassThrough"

  validation {
    condition     = contains(["PassThrough", "Active"], var.tracing_mode)
    error_message = "tracing_mode: must be PassThrough or Active."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group. 0 = never expire."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days: must be one of the values CloudWatch Logs allows: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key ARN to encrypt the log group. null = CloudWatch Logs default encryption. The key policy must allow logs.<region>.amazonaws.com."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn: must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_format" {
  description = "Lambda log format, `Text` or `JSON`. null = leave the function's logging_config unset (AWS default Text; some emulators do not store logging_config)."
  type        = string
  default     = null

  validation {
    condition     = var.log_format == null ? true : contains(["Text", "JSON"], var.log_format)
    error_message = "log_format: must be null, Text or JSON."
  }
}

################################################################################
# IAM
################################################################################

variable "role_name" {
  description = "Name of the execution role. null = `name`. Set it when the same function name is deployed to several regions of one account (IAM is global)."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null ? true : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name: must be 1-64 characters of A-Z, a-z, 0-9 and +=,.@_- (IAM role name rule)."
  }
}

variable "role_permissions_boundary_arn" {
  description = "ARN of an IAM policy used as the permissions boundary of the execution role."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn: must be an IAM policy ARN (arn:<partition>:iam::<account>:policy/<name>)."
  }
}

variable "policy_statements" {
  description = "Extra IAM statements for the execution role's inline policy. `resources = [\"*\"]` is rejected unless the statement sets `allow_wildcard_resource = true` (only for APIs that do not support resource-level permissions; say why in a comment). Sids must be unique, alphanumeric, and not one of the module's own (WriteOwnLogGroup, AsyncOnSuccessDestination, AsyncOnFailureDestination, DeadLetterTarget, XRayWrite)."
  type = list(object({
    sid       = string
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
    allow_wildcard_resource = optional(bool, false)
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : s.allow_wildcard_resource || !contains(s.resources, "*")])
    error_message = "policy_statements: resource \"*\" is not allowed unless the statement sets allow_wildcard_resource = true (use it only for APIs without resource-level permissions)."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "policy_statements: effect must be Allow or Deny."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "policy_statements: every statement needs at least one action and one resource."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for a in s.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9*]+$", a))])])
    error_message = "policy_statements: actions must look like <service>:<Action> (e.g. s3:GetObject); a bare \"*\" action is not allowed."
  }

  validation {
    condition = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.sid))]) && length(distinct([for s in var.policy_statements : s.sid])) == length(var.policy_statements) && length(setintersection(
      [for s in var.policy_statements : s.sid],
      ["WriteOwnLogGroup", "AsyncOnSuccessDestination", "AsyncOnFailureDestination", "DeadLetterTarget", "XRayWrite"],
    )) == 0
    error_message = "policy_statements: sid must be alphanumeric, unique, and not one of the module's own (WriteOwnLogGroup, AsyncOnSuccessDestination, AsyncOnFailureDestination, DeadLetterTarget, XRayWrite)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource (role, log group, function)."
  type        = map(string)
  default     = {}
}
