variable "name" {
  description = "Name of the provisioner: names the function, its role, the schedules and (by default) the parameter, and is the default owner tag value."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "fleet" {
  description = "The desired fleet, written as JSON to the SSM parameter the function reads. Each spec launches `count` instances (slots 0..count-1) of one configuration. Plan-time validation mirrors the function's own (which also guards edits made straight to the parameter)."
  type = list(object({
    name               = string
    instance_type      = string
    image_id           = string
    subnet_id          = string
    security_group_ids = list(string)
    tags               = optional(map(string), {})
    count              = optional(number, 1)
  }))

  validation {
    condition     = alltrue([for s in var.fleet : can(regex("^[a-z0-9][a-z0-9-]{0,31}$", s.name))])
    error_message = "fleet[*].name: 1-32 characters of a-z, 0-9 and '-', not starting with '-'."
  }

  validation {
    condition     = length(distinct([for s in var.fleet : s.name])) == length(var.fleet)
    error_message = "fleet[*].name: spec names must be unique."
  }

  validation {
    condition     = alltrue([for s in var.fleet : s.count >= 0 && s.count <= 100 && floor(s.count) == s.count])
    error_message = "fleet[*].count: a whole number from 0 to 100."
  }

  validation {
    condition     = alltrue([for s in var.fleet : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9-]+$", s.instance_type))])
    error_message = "fleet[*].instance_type: must look like <family>.<size>, e.g. t3.micro."
  }

  validation {
    condition     = alltrue([for s in var.fleet : can(regex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", s.image_id)) && can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", s.subnet_id))])
    error_message = "fleet[*].image_id must look like ami-0123456789abcdef0 and subnet_id like subnet-0123456789abcdef0."
  }

  validation {
    condition = alltrue([for s in var.fleet : length(s.security_group_ids) >= 1 && length(s.security_group_ids) <= 5 && alltrue([
      for g in s.security_group_ids : can(regex("^sg-([0-9a-f]{8}|[0-9a-f]{17})$", g))
    ])])
    error_message = "fleet[*].security_group_ids: 1-5 ids like sg-0123456789abcdef0."
  }

  validation {
    condition = alltrue([for s in var.fleet : length(s.tags) <= 40 && alltrue([
      for k in keys(s.tags) : !startswith(lower(k), "aws:") && !contains(["FleetOwner", "FleetSpec", "FleetIndex"], k)
    ])])
    error_message = "fleet[*].tags: at most 40 tags; keys must not start with aws: nor be one of the provisioner's own tags (FleetOwner, FleetSpec, FleetIndex)."
  }
}

variable "max_instances" {
  description = "Safety cap: a fleet document asking for more instances in total is rejected as a whole (checked at plan time for var.fleet, and by the function for every run)."
  type        = number
  default     = 20

  validation {
    condition     = var.max_instances >= 0 && floor(var.max_instances) == var.max_instances
    error_message = "max_instances: a whole number >= 0."
  }
}

variable "owner" {
  description = "Value of the FleetOwner tag the provisioner puts on everything it launches and the only instances it will count or terminate. null = var.name. Must be unique per provisioner in an account and region."
  type        = string
  default     = null

  validation {
    condition     = var.owner == null || can(regex("^[A-Za-z0-9+=._:/@-]{1,128}$", var.owner))
    error_message = "owner: 1-128 characters of letters, digits and + = . _ : / @ -."
  }
}

variable "instance_tags" {
  description = "Tags added to every launched instance and volume (a spec's own tags win over these; the FleetOwner/FleetSpec/FleetIndex tags win over both)."
  type        = map(string)
  default     = {}
}

variable "parameter" {
  description = "The SSM parameter holding the fleet document. name null = `/<name>/fleet`. ignore_value_changes = true lets operators edit the parameter directly (put-parameter) without the next `terraform apply` reverting it; var.fleet is then only the initial value."
  type = object({
    name                 = optional(string)
    ignore_value_changes = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.parameter.name == null ? true : (can(regex("^/[A-Za-z0-9_./-]+$", var.parameter.name)) && length(var.parameter.name) <= 1011)
    error_message = "parameter.name: a path starting with '/', of letters, digits and _ . - /."
  }
}

variable "schedule_expression" {
  description = "EventBridge rule schedule of the reconcile run, cron(...) or rate(...), in UTC. null = no schedule (direct invokes only)."
  type        = string
  default     = "cron(0/30 * * * ? *)"

  validation {
    condition     = var.schedule_expression == null || can(regex("^(cron\\(.+\\)|rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\))$", var.schedule_expression))
    error_message = "schedule_expression: cron(...) or rate(<n> <unit>), or null."
  }
}

variable "teardown_schedule_expression" {
  description = "EventBridge rule schedule that terminates every owned instance (e.g. cron(0 19 ? * MON-FRI *) for working-hours fleets), in UTC. null = no teardown schedule."
  type        = string
  default     = null

  validation {
    condition     = var.teardown_schedule_expression == null || can(regex("^(cron\\(.+\\)|rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\))$", var.teardown_schedule_expression))
    error_message = "teardown_schedule_expression: cron(...) or rate(<n> <unit>), or null."
  }
}

variable "allowed_launch" {
  description = "What the role may launch: image, subnet and security group ids, and instance types (enforced with the ec2:InstanceType condition; the function also rejects a fleet document asking for another type, naming the entry). null (each) = the ones var.fleet uses. Widen these when operators edit the parameter directly with other values; a launch outside them fails with UnauthorizedOperation and is reported."
  type = object({
    image_ids          = optional(list(string))
    subnet_ids         = optional(list(string))
    security_group_ids = optional(list(string))
    instance_types     = optional(list(string))
  })
  default = {}

  validation {
    condition     = alltrue([for t in coalesce(var.allowed_launch.instance_types, []) : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9-]+$", t))])
    error_message = "allowed_launch.instance_types: instance type names like t3.micro (no wildcards)."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `provisioner` (functions/fleet_provisioner); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    provisioner = object({
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

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `provisioner`, invoked asynchronously by the schedule rules. timeout: one RunInstances call per instance, so allow a second or two per instance. maximum_retry_attempts (0-2): a retry reuses the request id, hence the same ClientTokens. reserved_concurrency 1 (default) keeps a scheduled run and a manual invoke from reconciling at the same time; -1 = unreserved."
  type = object({
    provisioner = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 120)
      reserved_concurrency         = optional(number, 1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 1)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(setintersection(keys(var.functions.provisioner.environment_variables), ["FLEET_PARAMETER_NAME", "FLEET_OWNER", "OWNER_TAG_KEY", "SPEC_TAG_KEY", "INDEX_TAG_KEY", "MAX_INSTANCES", "INSTANCE_TAGS", "ALLOWED_INSTANCE_TYPES", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.provisioner.environment_variables: FLEET_*, *_TAG_KEY, MAX_INSTANCES, INSTANCE_TAGS, ALLOWED_INSTANCE_TYPES and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use parameter, owner, max_instances, instance_tags and allowed_launch."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for the module's own resources (function, role, log group, parameter, rules)."
  type        = map(string)
  default     = {}
}
