variable "name" {
  description = "Name prefix of every resource of this scenario (functions, table, queue)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "buckets" {
  description = "The upload (source) bucket and the renditions (destination) bucket. They must differ: renditions are never written where uploads trigger the function. create = true makes a private, encrypted bucket; create = false uses an existing one by name (for the source, this module then owns its notification configuration)."
  type = object({
    source = object({
      name          = string
      create        = optional(bool, true)
      force_destroy = optional(bool, false)
      filter_prefix = optional(string)
      filter_suffix = optional(string)
    })
    destination = object({
      name          = string
      create        = optional(bool, true)
      force_destroy = optional(bool, false)
    })
  })

  validation {
    condition     = var.buckets.source.name != var.buckets.destination.name
    error_message = "buckets: source and destination must be different buckets (writing renditions into the source bucket would trigger a resize loop)."
  }

  validation {
    condition = alltrue([
      for name in [var.buckets.source.name, var.buckets.destination.name] :
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", name)) && !can(regex("\\.\\.", name))
    ])
    error_message = "buckets.*.name: S3 bucket names are 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "renditions" {
  description = "Renditions made of every upload, by name (the first path segment of the output key `<name>/<source key stem>.<ext>`). Aspect ratio kept, never upscaled. format: keep (JPEG/PNG/WebP stay, anything else becomes PNG if transparent else JPEG), jpeg, png or webp. quality: 1-100 for JPEG and WebP."
  type = map(object({
    max_width  = number
    max_height = number
    format     = optional(string, "keep")
    quality    = optional(number, 82)
  }))
  nullable = false
  default = {
    large = { max_width = 1600, max_height = 1600 }
    small = { max_width = 480, max_height = 480, format = "webp" }
    thumb = { max_width = 160, max_height = 160, format = "jpeg", quality = 75 }
  }

  validation {
    condition     = length(var.renditions) >= 1 && length(var.renditions) <= 10
    error_message = "renditions: between 1 and 10 renditions."
  }

  validation {
    condition     = alltrue([for name in keys(var.renditions) : can(regex("^[a-z0-9][a-z0-9_-]{0,31}$", name))])
    error_message = "renditions: names are 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter or digit."
  }

  validation {
    condition = alltrue([for r in values(var.renditions) : alltrue([
      for v in [r.max_width, r.max_height] : v >= 1 && v <= 16384 && floor(v) == v
    ])])
    error_message = "renditions: max_width and max_height must be whole numbers from 1 to 16384."
  }

  validation {
    condition     = alltrue([for r in values(var.renditions) : contains(["keep", "jpeg", "png", "webp"], lower(r.format))])
    error_message = "renditions: format must be keep, jpeg, png or webp."
  }

  validation {
    condition     = alltrue([for r in values(var.renditions) : r.quality >= 1 && r.quality <= 100 && floor(r.quality) == r.quality])
    error_message = "renditions: quality must be a whole number from 1 to 100."
  }
}

variable "limits" {
  description = "Hostile-input limits. Objects larger than max_object_bytes are skipped before download; images declaring more than max_image_pixels pixels are refused as decompression bombs before decoding. Keep memory_size well above max_image_pixels * 4 bytes."
  type = object({
    max_object_bytes = optional(number, 52428800)
    max_image_pixels = optional(number, 50000000)
  })
  default = {}

  validation {
    condition     = var.limits.max_object_bytes >= 1 && var.limits.max_image_pixels >= 1
    error_message = "limits: max_object_bytes and max_image_pixels must be positive."
  }
}

variable "quarantine_prefix" {
  description = "Copy skipped objects (non-images, corrupt, bombs, too large, empty) to `<prefix>/<key>` in the destination bucket, with the reason in metadata `skip-reason`. null = no copy (the reason is still logged and recorded)."
  type        = string
  default     = null

  validation {
    condition     = var.quarantine_prefix == null || can(regex("^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,100}$", coalesce(var.quarantine_prefix, "x")))
    error_message = "quarantine_prefix: 1-101 characters of letters, digits, '_', '-', '.' and '/', not starting with '/' or '.'."
  }
}

variable "replica" {
  description = "Copy every rendition to this existing bucket (typically in another region) from the chained report step. The module creates no bucket in another region: modules take no provider aliases here; create the replica bucket in its region's stack and pass its name. null = no replica."
  type = object({
    bucket_name = string
    region      = string
    prefix      = optional(string, "")
  })
  default = null

  validation {
    condition     = var.replica == null || can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", try(var.replica.region, "")))
    error_message = "replica.region: must be an AWS region name, e.g. eu-west-1."
  }

  validation {
    condition     = var.replica == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", try(var.replica.bucket_name, "")))
    error_message = "replica.bucket_name: must be a valid S3 bucket name."
  }
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `renditions`, invoked asynchronously by S3 (Pillow needs memory: about 4 bytes per pixel of the largest accepted image, plus the renditions); `report`, the chained report step (the renditions function's on-success destination). After `maximum_retry_attempts` retries or `maximum_event_age_in_seconds` an event goes to the on-failure queue."
  type = object({
    renditions = optional(object({
      memory_size                  = optional(number, 1536)
      timeout                      = optional(number, 60)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
    report = optional(object({
      memory_size                  = optional(number, 256)
      timeout                      = optional(number, 30)
      reserved_concurrency         = optional(number, -1)
      environment_variables        = optional(map(string), {})
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number, 3600)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(setintersection(keys(var.functions.renditions.environment_variables), ["DESTINATION_BUCKET", "RENDITIONS", "MAX_OBJECT_BYTES", "MAX_IMAGE_PIXELS", "QUARANTINE_PREFIX", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.renditions.environment_variables: DESTINATION_BUCKET, RENDITIONS, MAX_OBJECT_BYTES, MAX_IMAGE_PIXELS, QUARANTINE_PREFIX and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use buckets, renditions, limits and quarantine_prefix."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.report.environment_variables), ["TABLE_NAME", "REPLICA_BUCKET", "REPLICA_REGION", "REPLICA_PREFIX", "POWERTOOLS_SERVICE_NAME"])) == 0
    error_message = "functions.report.environment_variables: TABLE_NAME, REPLICA_* and POWERTOOLS_SERVICE_NAME are set by the module from its inputs (the role's permissions follow them); use replica."
  }
}

variable "packages" {
  description = "The functions' zips: `renditions` (functions/image_renditions), `report` (functions/image_renditions_report); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    renditions = object({
      file = optional(string)
      s3 = optional(object({
        bucket  = string
        key     = string
        version = optional(string)
        sha256  = string
      }))
    })
    report = object({
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
  description = "Layer version ARNs the functions need, by purpose. Required: the handlers import them. `powertools`: aws-lambda-powertools (both functions); `pillow`: Pillow (the renditions function only). Each built for the runtime and architecture (`make build`: build/<architecture>/layers/<purpose>.zip)."
  type = object({
    powertools = string
    pillow     = string
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
  description = "Python runtime of both functions (the packages and the Pillow layer must be built for it)."
  type        = string
  default     = "python3.12"
}

variable "kms_key_arn" {
  description = "KMS key for the created buckets, the results table and the on-failure queue. null = AWS-managed encryption (SSE-S3, DynamoDB-owned key, SQS-managed SSE)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_in_days" {
  description = "Retention of both functions' log groups."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
