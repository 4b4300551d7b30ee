variable "name" {
  description = "Name prefix of every resource of this scenario (functions, queues, stream)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "input" {
  description = "Where JSON objects arrive. create = true makes a private, encrypted bucket; create = false uses an existing one (this module then owns its S3 notification configuration). Only keys under prefix are converted."
  type = object({
    bucket_name   = string
    create        = optional(bool, true)
    force_destroy = optional(bool, false)
    versioning    = optional(bool, true)
    prefix        = optional(string, "incoming/")
    # The largest single record of an S3 object, in characters (memory scales with it).
    max_record_chars = optional(number, 8388608)
  })

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.input.bucket_name)) && !can(regex("\\.\\.", var.input.bucket_name))
    error_message = "input.bucket_name: S3 bucket names are 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit."
  }

  validation {
    condition     = var.input.max_record_chars >= 1024 && floor(var.input.max_record_chars) == var.input.max_record_chars
    error_message = "input.max_record_chars: a whole number >= 1024 (the largest single record, in characters; memory scales with it)."
  }
}

variable "output" {
  description = "Where CSV and quarantine objects go. bucket_name = null writes into the input bucket; then every output prefix must not overlap input.prefix (no loops). create applies only to a separate output bucket."
  type = object({
    bucket_name              = optional(string)
    create                   = optional(bool, true)
    force_destroy            = optional(bool, false)
    prefix                   = optional(string, "csv/")
    quarantine_prefix        = optional(string, "quarantine/")
    stream_prefix            = optional(string, "stream/")
    stream_quarantine_prefix = optional(string, "stream-quarantine/")
  })
  default = {}

  validation {
    condition     = var.output.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.output.bucket_name, "xxx")))
    error_message = "output.bucket_name: null or an S3 bucket name (3-63 characters of lower-case letters, digits, '.' and '-')."
  }

  validation {
    condition = (var.output.bucket_name != null && var.output.bucket_name != var.input.bucket_name) || (var.input.prefix != "" && alltrue([
      for p in [var.output.prefix, var.output.quarantine_prefix, var.output.stream_prefix, var.output.stream_quarantine_prefix] :
      !startswith(p, var.input.prefix) && !startswith(var.input.prefix, p)
    ]))
    error_message = "output: in the input bucket, input.prefix must be non-empty and no output prefix (prefix, quarantine_prefix, stream_prefix, stream_quarantine_prefix) may overlap it (one a prefix of the other): converted objects would be converted again."
  }

  validation {
    condition     = length(distinct([var.output.prefix, var.output.quarantine_prefix, var.output.stream_prefix, var.output.stream_quarantine_prefix])) == 4
    error_message = "output: prefix, quarantine_prefix, stream_prefix and stream_quarantine_prefix must be four different prefixes."
  }
}

variable "columns" {
  description = "Explicit CSV columns (dotted names of flattened fields), in order; other fields are dropped. [] = the union of the records' columns in first-seen order, at most csv.max_columns (the S3 path then spools the rows to /tmp until the last record fixes the header: see functions.s3.ephemeral_storage_mb)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(distinct(var.columns)) == length(var.columns) && alltrue([for c in var.columns : c != ""])
    error_message = "columns: names must be non-empty and distinct."
  }
}

variable "csv" {
  description = "How CSV cells are written, on both paths. neutralise_formulas: a string cell or column name starting with = + - @ tab or CR gets a leading ' (the OWASP rule against CSV/formula injection), so a spreadsheet shows it as text instead of running it; JSON numbers are left alone. Turn it off only when no spreadsheet will open the files and the text must stay byte-exact. max_columns: with columns = [], a record that would take the discovered columns beyond this count is quarantined (not widening every row); 1-16384 (a spreadsheet's width)."
  type = object({
    neutralise_formulas = optional(bool, true)
    max_columns         = optional(number, 1000)
  })
  default = {}

  validation {
    condition     = var.csv.max_columns >= 1 && var.csv.max_columns <= 16384 && floor(var.csv.max_columns) == var.csv.max_columns
    error_message = "csv.max_columns: a whole number from 1 to 16384."
  }
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `s3`, the S3 converter, invoked asynchronously by S3 notifications (after `maximum_retry_attempts` retries or `maximum_event_age_in_seconds` the event goes to its on-failure queue; `ephemeral_storage_mb` sizes /tmp, which must hold the largest CSV when columns = []); `stream`, the Kinesis converter, invoked by the event source mapping (`maximum_retry_attempts` -1 (forever) to 10000 and `maximum_event_age_in_seconds` -1 or 60-604800 are the mapping's retry and record-age limits; then the batch's metadata goes to its on-failure queue)."
  type = object({
    s3 = optional(object({
      memory_size                  = optional(number, 512)
      timeout                      = optional(number, 300)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number, 3600)
      ephemeral_storage_mb         = optional(number, 2048)
    }), {})
    stream = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 60)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 5)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.functions.s3.ephemeral_storage_mb >= 512 && var.functions.s3.ephemeral_storage_mb <= 10240 && floor(var.functions.s3.ephemeral_storage_mb) == var.functions.s3.ephemeral_storage_mb
    error_message = "functions.s3.ephemeral_storage_mb: a whole number from 512 to 10240 (/tmp must hold the largest CSV when columns = [])."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.s3.environment_variables), ["INPUT_BUCKET", "INPUT_PREFIX", "OUTPUT_BUCKET", "OUTPUT_PREFIX", "QUARANTINE_PREFIX", "CSV_COLUMNS", "MAX_RECORD_CHARS", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.s3.environment_variables: INPUT_*, OUTPUT_*, QUARANTINE_PREFIX, CSV_COLUMNS, MAX_RECORD_CHARS and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use input, output and columns."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.stream.environment_variables), ["OUTPUT_BUCKET", "OUTPUT_PREFIX", "QUARANTINE_PREFIX", "CSV_COLUMNS", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.stream.environment_variables: OUTPUT_BUCKET, OUTPUT_PREFIX, QUARANTINE_PREFIX, CSV_COLUMNS and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use output and columns."
  }

  validation {
    condition     = var.functions.stream.maximum_retry_attempts >= -1 && var.functions.stream.maximum_retry_attempts <= 10000
    error_message = "functions.stream.maximum_retry_attempts: -1 (forever) to 10000 (Kinesis event source mapping)."
  }

  validation {
    condition     = var.functions.stream.maximum_event_age_in_seconds == -1 || (var.functions.stream.maximum_event_age_in_seconds >= 60 && var.functions.stream.maximum_event_age_in_seconds <= 604800)
    error_message = "functions.stream.maximum_event_age_in_seconds: -1 (forever) or 60-604800 (the mapping's maximum record age)."
  }
}

variable "stream" {
  description = "The Kinesis path. enabled = false deploys only the S3 path. stream_arn = null creates a stream (shard_count, retention_hours); else that stream is consumed. The event source mapping settings map 1:1 to aws_lambda_event_source_mapping (its retry and record-age limits are functions.stream.maximum_retry_attempts and maximum_event_age_in_seconds)."
  type = object({
    enabled                            = optional(bool, true)
    stream_arn                         = optional(string)
    shard_count                        = optional(number, 1)
    retention_hours                    = optional(number, 24)
    starting_position                  = optional(string, "TRIM_HORIZON")
    batch_size                         = optional(number, 500)
    maximum_batching_window_in_seconds = optional(number, 5)
    bisect_batch_on_function_error     = optional(bool, true)
    parallelization_factor             = optional(number, 1)
  })
  default = {}

  validation {
    condition     = var.stream.batch_size >= 1 && var.stream.batch_size <= 10000
    error_message = "stream.batch_size: 1-10000 records (Kinesis event source mapping limit)."
  }

  validation {
    condition     = var.stream.maximum_batching_window_in_seconds >= 0 && var.stream.maximum_batching_window_in_seconds <= 300
    error_message = "stream.maximum_batching_window_in_seconds: 0-300."
  }

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.stream.starting_position)
    error_message = "stream.starting_position: TRIM_HORIZON or LATEST."
  }

  validation {
    condition     = var.stream.parallelization_factor >= 1 && var.stream.parallelization_factor <= 10
    error_message = "stream.parallelization_factor: 1-10."
  }

  validation {
    condition     = var.stream.stream_arn == null || can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]+$", coalesce(var.stream.stream_arn, "x")))
    error_message = "stream.stream_arn: null or a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `s3` (functions/json_to_csv_s3), `stream` (functions/json_to_csv_stream); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    s3 = object({
      file = optional(string)
      s3 = optional(object({
        bucket  = string
        key     = string
        version = optional(string)
        sha256  = string
      }))
    })
    stream = object({
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

variable "kms_key_arn" {
  description = "KMS key for created buckets, the queues and a created stream. null = AWS-managed encryption (SSE-S3, SQS-managed SSE, the aws/kinesis key)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.kms_key_arn, "x")))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the functions' log groups."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
