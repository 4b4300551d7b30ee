variable "name" {
  description = "Name prefix of every resource of this scenario (functions, table, queue, API)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "buckets" {
  description = "Buckets to index, by a short key. create = true makes a private, encrypted bucket; create = false indexes an existing bucket by name (this module then owns its notification configuration, which S3 keeps as one document per bucket). filter_prefix/filter_suffix narrow the notification."
  type = map(object({
    name          = string
    create        = optional(bool, true)
    force_destroy = optional(bool, false)
    versioning    = optional(bool, true)
    filter_prefix = optional(string)
    filter_suffix = optional(string)
  }))

  validation {
    condition     = length(var.buckets) > 0
    error_message = "buckets: at least one bucket to index."
  }

  validation {
    condition = alltrue([
      for b in values(var.buckets) :
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b.name)) && !can(regex("\\.\\.", b.name))
    ])
    error_message = "buckets[*].name: S3 bucket names are 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the created buckets, the table and the on-failure queue. null = AWS-managed encryption (SSE-S3, DynamoDB-owned key, SQS-managed SSE)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "tombstone_ttl_days" {
  description = "Deleted objects stay in the index as tombstones (so a late, older event cannot resurrect them) for this many days; DynamoDB TTL then removes them."
  type        = number
  default     = 7

  validation {
    condition     = var.tombstone_ttl_days >= 1 && var.tombstone_ttl_days <= 365 && floor(var.tombstone_ttl_days) == var.tombstone_ttl_days
    error_message = "tombstone_ttl_days: a whole number of days from 1 to 365."
  }
}

variable "fetch_content_type" {
  description = "Look up each created object's Content-Type with HeadObject (one extra S3 request per object; the role then gets s3:GetObject, s3:GetObjectVersion and s3:ListBucket on the buckets, so a key deleted before the lookup answers 404 and is indexed without a content type)."
  type        = bool
  default     = false
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `indexer`, invoked asynchronously by S3 (after `maximum_retry_attempts` retries or `maximum_event_age_in_seconds` the event goes to the on-failure queue); `api`, the query API, invoked synchronously (no retries)."
  type = object({
    indexer = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 30)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
    api = optional(object({
      memory_size           = optional(number, 256)
      timeout               = optional(number, 10)
      reserved_concurrency  = optional(number, -1)
      environment_variables = optional(map(string), {})
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for f in values(var.functions) : f.memory_size >= 128 && f.memory_size <= 10240 && f.timeout >= 1 && f.timeout <= 900])
    error_message = "functions.*: memory_size 128-10240 MB, timeout 1-900 seconds."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.indexer.environment_variables), ["TABLE_NAME", "TOMBSTONE_TTL_DAYS", "FETCH_CONTENT_TYPE", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.indexer.environment_variables: TABLE_NAME, TOMBSTONE_TTL_DAYS, FETCH_CONTENT_TYPE and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use tombstone_ttl_days and fetch_content_type."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.api.environment_variables), ["TABLE_NAME", "MAX_PAGE_SIZE", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.api.environment_variables: TABLE_NAME, MAX_PAGE_SIZE and POWERTOOLS_SERVICE_NAME are set by the module from its inputs; use api.max_page_size."
  }
}

variable "api" {
  description = "The synchronous query API (its function: functions.api), on a function URL and a REST API, both requiring SigV4-signed requests (auth_type AWS_IAM, the only value: a public API over the index is not offered)."
  type = object({
    enabled       = optional(bool, true)
    auth_type     = optional(string, "AWS_IAM")
    stage_name    = optional(string, "v1")
    max_page_size = optional(number, 100)
  })
  default = {}

  validation {
    condition     = var.api.auth_type == "AWS_IAM"
    error_message = "api.auth_type: only AWS_IAM (SigV4-signed requests). NONE, a public and unthrottled API over every indexed key, is not offered; put your own authorizer in front of the REST API if you need other callers."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,128}$", var.api.stage_name))
    error_message = "api.stage_name: 1-128 characters of letters, digits and '_'."
  }

  validation {
    condition     = var.api.max_page_size >= 1 && var.api.max_page_size <= 1000
    error_message = "api.max_page_size: 1-1000."
  }
}

variable "packages" {
  description = "The functions' zips: `indexer` (functions/s3_object_index), `api` (functions/s3_object_index_api); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    indexer = object({
      file = optional(string)
      s3 = optional(object({
        bucket  = string
        key     = string
        version = optional(string)
        sha256  = string
      }))
    })
    api = object({
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
  description = "Layer version ARNs the functions need, by purpose. Required: every handler imports it. `powertools`: aws-lambda-powertools built for the runtime and architecture (`make build`: build/<architecture>/layers/powertools.zip)."
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
  description = "Python runtime of both functions (the packages must be built for it)."
  type        = string
  default     = "python3.12"
}

variable "log_retention_in_days" {
  description = "Retention of the functions' log groups (and the REST API's access log group)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
