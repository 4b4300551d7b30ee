variable "name" {
  description = "Name prefix of every resource of this module (table, function, schedule, role, queue)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `sender` (functions/scheduled_message); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    sender = object({
      file = optional(string)
      s3 = optional(object({
        bucket  = string
        key     = string
        version = optional(string)
        sha256  = string
      }))
    })
  })

  validation {
    condition     = alltrue([for p in values(var.packages) : (p.file == null) != (p.s3 == null)])
    error_message = "packages: set exactly one of file (a local zip) or s3 (an object in an artifact bucket) for each function."
  }
}

variable "layers" {
  description = "Layer version ARNs the function needs, by purpose. Required: the handler imports it. `powertools`: aws-lambda-powertools built for the runtime and architecture (`make build`: build/<architecture>/layers/powertools.zip)."
  type = object({
    powertools = string
  })
  nullable = false

  validation {
    condition     = alltrue([for arn in values(var.layers) : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", arn))])
    error_message = "layers: each must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)."
  }
}

variable "architecture" {
  description = "Instruction set of the function(s), `x86_64` or `arm64`. The packages and layers must be built for it (`make build` builds both: build/<architecture>/)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture: must be x86_64 or arm64."
  }
}

variable "runtime" {
  description = "Python runtime of the function (the package must be built for it)."
  type        = string
  default     = "python3.12"
}

variable "schedule" {
  description = "The daily run: at `time` (HH:MM, 24 h) in `time_zone` (IANA name; EventBridge Scheduler follows its daylight-saving changes). Recipients without their own time_zone use `time_zone` too. Its retries are functions.sender's. `enabled = false` keeps the schedule but pauses it."
  type = object({
    time      = optional(string, "12:00")
    time_zone = optional(string, "UTC")
    enabled   = optional(bool, true)
  })
  default = {}

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.schedule.time))
    error_message = "schedule.time: HH:MM on a 24-hour clock, e.g. 12:00."
  }

  validation {
    condition     = can(regex("^(UTC|[A-Z][A-Za-z_+-]+(/[A-Za-z0-9_+-]+){1,2})$", var.schedule.time_zone))
    error_message = "schedule.time_zone: an IANA time zone name such as Europe/London or UTC."
  }

}

variable "sender" {
  description = "The From address; it must be a verified SES identity. create_identity = true creates the email identity here (AWS mails a verification link to it). While the account is in the SES sandbox, recipients must be verified too."
  type = object({
    email           = string
    create_identity = optional(bool, true)
  })

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[A-Za-z0-9-]{2,}$", var.sender.email))
    error_message = "sender.email: an email address."
  }
}

variable "message" {
  description = "The message template. Placeholders: $name, $first_name, $age (empty when the birth year is unknown); write $$ for a literal $. Do not write $${...}: Terraform would interpolate it. `html` is optional (values are HTML-escaped in it)."
  type = object({
    subject = optional(string, "Happy birthday, $first_name!")
    body    = optional(string, "Dear $name,\n\nHappy birthday! Wishing you a wonderful year ahead.\n")
    html    = optional(string)
  })
  default = {}

  validation {
    condition = alltrue([
      for text in compact([var.message.subject, var.message.body, var.message.html]) :
      alltrue([for m in regexall("\\$([A-Za-z_][A-Za-z0-9_]*)", replace(text, "$$", "")) : contains(["name", "first_name", "age"], m[0])])
      && !strcontains(replace(replace(replace(replace(text, "$$", ""), "$first_name", ""), "$name", ""), "$age", ""), "$")
    ])
    error_message = "message: only the placeholders $name, $first_name and $age are known; write $$ for a literal $."
  }

  validation {
    condition     = length(trimspace(var.message.subject)) > 0 && length(trimspace(var.message.body)) > 0
    error_message = "message: subject and body must not be empty."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the recipients table and the failure queue. null = AWS-owned/managed encryption (DynamoDB-owned key, SQS-managed SSE)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "deletion_protection" {
  description = "Deletion protection of the recipients table (turn off only for throw-away stacks)."
  type        = bool
  default     = true
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `sender`, invoked by the daily EventBridge Scheduler schedule. The whole table is scanned each run: the default timeout suits thousands of recipients. maximum_retry_attempts (0-185) and maximum_event_age_in_seconds (60-86400) are the schedule's retry policy (Lambda does not retry on top of it); then the event goes to the failure queue."
  type = object({
    sender = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 120)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 3)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.functions.sender.timeout >= 10 && var.functions.sender.timeout <= 900
    error_message = "functions.sender.timeout: 10-900 seconds."
  }

  validation {
    condition     = var.functions.sender.maximum_retry_attempts >= 0 && var.functions.sender.maximum_retry_attempts <= 185 && var.functions.sender.maximum_event_age_in_seconds >= 60 && var.functions.sender.maximum_event_age_in_seconds <= 86400
    error_message = "functions.sender: maximum_retry_attempts 0-185 and maximum_event_age_in_seconds 60-86400 (EventBridge Scheduler limits)."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.sender.environment_variables), ["POWERTOOLS_SERVICE_NAME", "TABLE_NAME", "SENDER", "SUBJECT_TEMPLATE", "BODY_TEMPLATE", "HTML_TEMPLATE", "DEFAULT_TIME_ZONE"])) == 0
    error_message = "functions.sender.environment_variables: POWERTOOLS_SERVICE_NAME, TABLE_NAME, SENDER, *_TEMPLATE and DEFAULT_TIME_ZONE are set by the module from its inputs (the role's permissions follow them); use sender, message and schedule."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
}
