variable "name" {
  description = "Name of the function, its role, log group and schedule rule."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `scheduler` (functions/ec2_scheduler); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    scheduler = object({
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

variable "schedules" {
  description = "Schedules by name (the value instances carry in their `tag_key` tag). Each: an IANA `time_zone` and `periods`, each period with `weekdays` (mon..sun, the days the period begins on), `begin` and `end` as HH:MM local time. `end` may be 24:00; an `end` earlier than `begin` runs past midnight into the next day."
  type = map(object({
    time_zone   = string
    description = optional(string, "")
    periods = list(object({
      weekdays = list(string)
      begin    = string
      end      = string
    }))
  }))

  validation {
    condition     = length(var.schedules) > 0
    error_message = "schedules: declare at least one schedule."
  }

  validation {
    condition     = alltrue([for name in keys(var.schedules) : can(regex("^[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,127}$", name))])
    error_message = "schedules: names must be 1-128 characters of letters, digits and ._:/+=@- (they are EC2 tag values), starting with a letter or digit."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : length(s.periods) > 0])
    error_message = "schedules[*].periods: every schedule needs at least one period."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.schedules) : [
      for p in s.periods : length(p.weekdays) > 0 && alltrue([for d in p.weekdays : contains(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], lower(d))])
    ]]))
    error_message = "schedules[*].periods[*].weekdays: a non-empty list of mon, tue, wed, thu, fri, sat, sun."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.schedules) : [
      for p in s.periods : can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", p.begin)) && can(regex("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", p.end))
    ]]))
    error_message = "schedules[*].periods[*]: begin must be HH:MM (00:00-23:59) and end HH:MM (00:00-23:59, or 24:00)."
  }

  validation {
    condition     = alltrue(flatten([for s in values(var.schedules) : [for p in s.periods : p.begin != p.end]]))
    error_message = "schedules[*].periods[*]: begin and end must differ (use 00:00-24:00 for a whole day)."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : can(regex("^(UTC|[A-Z][A-Za-z_+-]+(/[A-Za-z0-9_+-]+){1,2})$", s.time_zone))])
    error_message = "schedules[*].time_zone: must be an IANA time zone name such as Europe/Berlin, America/Argentina/Buenos_Aires or UTC (not an offset like +02:00 or an abbreviation like CET)."
  }
}

variable "tag_key" {
  description = "Instances opt in with a tag of this key whose value is a schedule name."
  type        = string
  default     = "Schedule"

  validation {
    condition     = can(regex("^[A-Za-z0-9 _.:/=+@-]{1,128}$", var.tag_key)) && !startswith(lower(var.tag_key), "aws:")
    error_message = "tag_key: 1-128 characters of letters, digits, spaces and _.:/=+@-, not starting with aws: (EC2 tag key rule)."
  }
}

variable "regions" {
  description = "Regions whose tagged instances are scheduled. Empty = the region the module is deployed to."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$", r))])
    error_message = "regions: each entry must be a region name such as eu-west-1."
  }
}

variable "instances" {
  description = "Instances scheduled by id, whether tagged or not (the schedule given here wins over a tag). `region` null = the module's region."
  type = map(object({
    schedule = string
    region   = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for id in keys(var.instances) : can(regex("^i-[0-9a-f]{8,17}$", id))])
    error_message = "instances: keys must be instance ids (i-0123456789abcdef0)."
  }

  validation {
    condition     = alltrue([for i in values(var.instances) : contains(keys(var.schedules), i.schedule)])
    error_message = "instances[*].schedule: must name one of var.schedules."
  }

  validation {
    condition     = alltrue([for i in values(var.instances) : i.region == null || can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$", coalesce(i.region, "x")))])
    error_message = "instances[*].region: must be a region name such as eu-west-1."
  }
}

variable "schedule_expression" {
  description = "How often the scheduler reconciles, as an EventBridge `rate(N minutes)` / `rate(N hours)` expression."
  type        = string
  default     = "rate(5 minutes)"

  validation {
    condition     = can(regex("^rate\\(([1-9][0-9]*) (minutes?|hours?)\\)$", var.schedule_expression))
    error_message = "schedule_expression: must be rate(N minutes) or rate(N hours); the non-enforced mode needs the interval to find period boundaries."
  }
}

variable "rule_enabled" {
  description = "Whether the rate rule fires. false keeps everything deployed but idle (invoke the function by hand to replay a moment)."
  type        = bool
  default     = true
}

variable "enforced" {
  description = "true: every run brings each instance to its schedule's state (also stops instances started by hand outside a period, and starts ones stopped by hand inside one). false: only the run at a period's begin or end acts; manual changes in between are left alone."
  type        = bool
  default     = false
}

variable "dry_run" {
  description = "Log what would be started or stopped, change nothing."
  type        = bool
  default     = false
}

variable "kms_key_arns" {
  description = "Customer-managed KMS keys that encrypt scheduled instances' EBS volumes; starting such an instance needs kms:CreateGrant on them (granted only for AWS resources)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", k))])
    error_message = "kms_key_arns: each must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `scheduler`, invoked asynchronously by the rate rule. Its timeout covers a Describe per region, then one Start/Stop call per instance. `maximum_retry_attempts`: retries of a failed run (the run is idempotent for its event time); `reserved_concurrency` 1 (default) runs one pass at a time: a schedule event delivered twice (EventBridge delivers at least once) or a retry overlapping the next run then sees the instances the first pass started or stopped (pending/stopping) and acts on none of them again; -1 = unreserved (for accounts whose concurrency quota leaves no room to reserve). `maximum_event_age_in_seconds` null = one reconcile interval (a retried run older than that would act on a stale desired state, so it is dropped and the next scheduled run takes over)."
  type = object({
    scheduler = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 120)
      reserved_concurrency         = optional(number, 1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(setintersection(keys(var.functions.scheduler.environment_variables), ["SCHEDULER_CONFIG", "ENFORCED", "DRY_RUN", "RUN_INTERVAL_MINUTES", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.scheduler.environment_variables: SCHEDULER_CONFIG, ENFORCED, DRY_RUN, RUN_INTERVAL_MINUTES and POWERTOOLS_SERVICE_NAME are set by the module from its inputs; use schedules, instances, enforced, dry_run and schedule_expression."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
