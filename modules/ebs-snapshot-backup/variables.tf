variable "name" {
  description = "Name of this backup deployment: prefixes the function, rule and queue, and is the value of the `ebs-backup:managed-by` tag on every snapshot it creates (the only snapshots it may delete)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "schedule" {
  description = "When runs happen. expression: an EventBridge `cron(...)` (6 fields) or `rate(...)`. window_minutes: the backup window, normally the schedule's period; every run (and retry) inside one window shares one snapshot per volume. enabled = false keeps the rule but pauses it."
  type = object({
    expression     = optional(string, "cron(0 3 * * ? *)")
    window_minutes = optional(number, 1440)
    enabled        = optional(bool, true)
  })
  default = {}

  validation {
    condition     = can(regex("^cron\\(\\S+( \\S+){5}\\)$", var.schedule.expression)) || can(regex("^rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)$", var.schedule.expression))
    error_message = "schedule.expression: must be cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>) with 6 fields, or rate(<n> minute(s)|hour(s)|day(s))."
  }

  validation {
    condition     = var.schedule.window_minutes >= 1 && var.schedule.window_minutes <= 525600 && floor(var.schedule.window_minutes) == var.schedule.window_minutes
    error_message = "schedule.window_minutes: a whole number of minutes from 1 to 525600 (one year)."
  }
}

variable "regions" {
  description = "Regions whose volumes are backed up. null = every region enabled for the account (read at run time with DescribeRegions)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.regions == null ? true : length(var.regions) > 0 && alltrue([for r in var.regions : can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", r))])
    error_message = "regions: null, or a non-empty list of region names shaped like us-east-1 / eu-west-3 / us-gov-west-1."
  }
}

variable "selection" {
  description = "Which volumes are backed up. A volume is selected if it carries one of target_tags, or if include_in_use and it is attached; exclude_tags win over both. Tag value \"*\" matches any value."
  type = object({
    include_in_use = optional(bool, true)
    target_tags    = optional(map(string), {})
    exclude_tags   = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = var.selection.include_in_use || length(var.selection.target_tags) > 0
    error_message = "selection: nothing would be selected; set include_in_use = true or give target_tags."
  }

  validation {
    condition     = alltrue([for k in concat(keys(var.selection.target_tags), keys(var.selection.exclude_tags)) : length(k) >= 1 && length(k) <= 128])
    error_message = "selection: tag keys must be 1-128 characters (EC2 limit)."
  }
}

variable "retention" {
  description = "How long snapshots (and copies) are kept: days (age; tagged ebs-backup:expires-at) or count (newest N windows per volume), exactly one."
  type = object({
    days  = optional(number)
    count = optional(number)
  })
  default = { days = 7 }

  validation {
    condition     = (var.retention.days == null) != (var.retention.count == null)
    error_message = "retention: set exactly one of days and count."
  }

  validation {
    condition     = var.retention.days == null ? true : var.retention.days > 0 && var.retention.days <= 36500 && floor(var.retention.days) == var.retention.days
    error_message = "retention.days: a whole number of days greater than 0 (at most 36500)."
  }

  validation {
    condition     = var.retention.count == null ? true : var.retention.count > 0 && var.retention.count <= 1000 && floor(var.retention.count) == var.retention.count
    error_message = "retention.count: a whole number greater than 0 (at most 1000)."
  }
}

variable "copy" {
  description = "Copy every new snapshot to another region (disaster recovery). Copies carry the managed tags and the source's expiry and are pruned by the same rule. wait_seconds: how long a run waits for its new snapshots to complete before copying; snapshots still pending are copied by a later run. null = no copies."
  type = object({
    region       = string
    wait_seconds = optional(number, 120)
  })
  default = null

  validation {
    condition     = var.copy == null ? true : can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.copy.region))
    error_message = "copy.region: must be a region name shaped like eu-central-1."
  }

  validation {
    condition     = var.copy == null ? true : var.copy.wait_seconds >= 0 && var.copy.wait_seconds <= 600
    error_message = "copy.wait_seconds: 0-600 seconds."
  }
}

variable "copy_volume_tags" {
  description = "Copy all of a volume's tags onto its snapshots (Name is always copied; aws:* and ebs-backup:* tags never are)."
  type        = bool
  default     = true
}

variable "snapshot_tags" {
  description = "Extra tags written on every snapshot this module creates."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.snapshot_tags) : !startswith(lower(k), "aws:") && !startswith(k, "ebs-backup:")])
    error_message = "snapshot_tags: keys must not start with aws: (reserved) or ebs-backup: (this module's own)."
  }
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `backup`, invoked asynchronously by the schedule rule. A run over many regions is long: default 15 min timeout. maximum_retry_attempts: asynchronous retries of a failed run (safe: a retry in the same window creates nothing twice). reserved_concurrency 1 keeps two runs from overlapping (-1 = unreserved)."
  type = object({
    backup = optional(object({
      memory_size                  = optional(number, 512)
      timeout                      = optional(number, 900)
      maximum_retry_attempts       = optional(number, 1)
      maximum_event_age_in_seconds = optional(number, 3600)
      reserved_concurrency         = optional(number, 1)
      environment_variables        = optional(map(string), {})
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.functions.backup.timeout >= 60 && var.functions.backup.timeout <= 900
    error_message = "functions.backup.timeout: 60-900 seconds (a multi-region run needs time)."
  }

  validation {
    condition = length(setintersection(keys(var.functions.backup.environment_variables), [
      "BACKUP_NAME", "REGIONS", "INCLUDE_IN_USE", "TARGET_TAGS", "EXCLUDE_TAGS", "RETENTION_DAYS", "RETENTION_COUNT",
      "WINDOW_MINUTES", "COPY_REGION", "COPY_WAIT_SECONDS", "COPY_VOLUME_TAGS", "SNAPSHOT_TAGS", "POWERTOOLS_SERVICE_NAME",
    ])) == 0
    error_message = "functions.backup.environment_variables: BACKUP_NAME, REGIONS, COPY_*, RETENTION_*, the selection and tag variables and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use name, regions, selection, retention, copy, copy_volume_tags and snapshot_tags."
  }

  validation {
    condition     = var.functions.backup.memory_size >= 128 && var.functions.backup.memory_size <= 10240
    error_message = "functions.backup.memory_size: 128-10240 MB."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `backup` (functions/ebs_snapshot_backup); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    backup = object({
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
  description = "Python runtime (the package must be built for it)."
  type        = string
  default     = "python3.12"
}

variable "kms_key_arns" {
  description = "Customer managed KMS keys of encrypted volumes whose snapshots are copied (copy set), and the keys their copies are encrypted with in the copy region (e.g. that region's EBS default key). CopySnapshot needs kms:CreateGrant, Decrypt, DescribeKey, GenerateDataKeyWithoutPlaintext and ReEncrypt* on them, granted only through EC2 (kms:ViaService) in the backed-up and copy regions. [] = only unencrypted or AWS-managed-key snapshots are copied."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", k))])
    error_message = "kms_key_arns: each must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the on-failure queue (the role may use it to send failed runs there). null = SQS-managed SSE."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for the module's resources (function, role, rule, queue); snapshots get snapshot_tags."
  type        = map(string)
  default     = {}
}
