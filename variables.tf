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
  description = "Folder holding the zips built by `make build` (<architecture>/functions/<name>.zip, <architecture>/layers/<name>.zip)."
  type        = string
  default     = "build"
}

variable "architecture" {
  description = "Instruction set of every function and layer, x86_64 or arm64: selects the packages and layers built for it (build/<architecture>/)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture: must be x86_64 or arm64."
  }
}

variable "log_retention_in_days" {
  description = "Retention of every function's log group."
  type        = number
  default     = 14
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the scenarios' data (buckets, tables, queues, stream, topics): passed to every module that takes kms_key_arn. null = AWS-managed encryption (the alarm notifier then creates its own key). Its policy must let CloudWatch use it for the alarm topic (see the alarm-notifier module's service_key_policy_json output)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.kms_key_arn, "x")))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
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
  description = "Settings passed to modules/s3-object-index, in its own shape (see its README). `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Roles: indexer, api."
  type = object({
    tombstone_ttl_days = optional(number, 7)
    fetch_content_type = optional(bool, false)
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.s3_object_index.functions) : contains(["indexer", "api"], role)])
    error_message = "s3_object_index.functions: settings by function role, one of indexer, api (see the module's README)."
  }
}

variable "enable_image_renditions" {
  description = "Deploy scenario 4: image renditions on upload (Pillow), with a chained report/replica step."
  type        = bool
  default     = true
}

variable "image_renditions" {
  description = "Settings passed to modules/image-renditions, in its own shape (see its README). renditions = null keeps the module's defaults (large, small, thumb); replica = an existing bucket in another region. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Roles: renditions, report."
  type = object({
    renditions = optional(map(object({
      max_width  = number
      max_height = number
      format     = optional(string, "keep")
      quality    = optional(number, 82)
    })))
    limits = optional(object({
      max_object_bytes = optional(number, 52428800)
      max_image_pixels = optional(number, 50000000)
    }), {})
    quarantine_prefix = optional(string, "quarantine")
    replica = optional(object({
      bucket_name = string
      region      = string
      prefix      = optional(string, "")
    }))
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.image_renditions.functions) : contains(["renditions", "report"], role)])
    error_message = "image_renditions.functions: settings by function role, one of renditions, report (see the module's README)."
  }
}

variable "enable_alarm_notifier" {
  description = "Deploy scenario 6: CloudWatch alarms (EC2 CPU, log patterns) notified by email, SNS and a webhook."
  type        = bool
  default     = true
}

variable "alarm_notifier" {
  description = "Settings passed to modules/alarm-notifier, in its own shape (see its README). The notification topic channel is on unless notification_topic = null; email (null = off) needs a verified SES sender; the webhook URL comes from alarm_notifier_webhook_url or an existing SSM parameter (webhook.url_parameter_name). `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Role: notifier."
  type = object({
    cpu_alarms = optional(object({
      instance_ids = optional(list(string), [])
      threshold    = optional(number, 80)
    }), {})
    log_alarms = optional(map(object({
      log_group_name = string
      pattern        = string
      threshold      = optional(number, 1)
    })), {})
    email = optional(object({
      sender                 = string
      recipients             = list(string)
      create_sender_identity = optional(bool)
    }))
    notification_topic = optional(object({
      email_subscriptions = optional(list(string), [])
      sms_subscriptions   = optional(list(string), [])
    }), {})
    webhook = optional(object({
      url_parameter_name = optional(string)
      # The customer managed key of that parameter (the function needs kms:Decrypt on it).
      url_parameter_kms_key_arn = optional(string)
      timeout_seconds           = optional(number)
    }))
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.alarm_notifier.functions) : contains(["notifier"], role)])
    error_message = "alarm_notifier.functions: settings by function role, one of notifier (see the module's README)."
  }
}

variable "alarm_notifier_webhook_url" {
  description = "Webhook URL (Slack-compatible) stored by the alarm notifier in an SSM SecureString; null = no webhook unless alarm_notifier.webhook is set."
  type        = string
  default     = null
  sensitive   = true
}

variable "enable_json_to_csv" {
  description = "Deploy scenario 5: JSON objects in S3 and Kinesis records converted to CSV."
  type        = bool
  default     = true
}

variable "json_to_csv" {
  description = "Settings passed to modules/json-to-csv, in its own shape (see its README); unset keys keep the module's defaults. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Roles: s3, stream."
  type = object({
    columns = optional(list(string), [])
    csv = optional(object({
      neutralise_formulas = optional(bool)
      max_columns         = optional(number)
    }), {})
    stream = optional(object({
      shard_count                        = optional(number)
      batch_size                         = optional(number)
      maximum_batching_window_in_seconds = optional(number)
    }), {})
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
      ephemeral_storage_mb         = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.json_to_csv.functions) : contains(["s3", "stream"], role)])
    error_message = "json_to_csv.functions: settings by function role, one of s3, stream (see the module's README)."
  }
}

variable "enable_ec2_scheduler" {
  description = "Deploy scenario 1: start and stop EC2 instances on time-zone-aware schedules."
  type        = bool
  default     = true
}

variable "ec2_scheduler" {
  description = "Settings passed to modules/ec2-scheduler (see its README). Regions empty = var.region. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Role: scheduler."
  type = object({
    schedules = optional(map(object({
      time_zone   = string
      description = optional(string, "")
      periods = list(object({
        weekdays = list(string)
        begin    = string
        end      = string
      }))
      })), {
      office-hours = {
        time_zone   = "Europe/Berlin"
        description = "Mon-Fri 08:00-19:00 Berlin time"
        periods     = [{ weekdays = ["mon", "tue", "wed", "thu", "fri"], begin = "08:00", end = "19:00" }]
      }
    })
    tag_key             = optional(string, "Schedule")
    regions             = optional(list(string), [])
    instances           = optional(map(object({ schedule = string, region = optional(string) })), {})
    schedule_expression = optional(string, "rate(5 minutes)")
    rule_enabled        = optional(bool, true)
    enforced            = optional(bool, false)
    dry_run             = optional(bool, false)
    # Customer managed keys of the scheduled instances' EBS volumes (StartInstances needs
    # kms:CreateGrant on them).
    kms_key_arns = optional(list(string), [])
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.ec2_scheduler.functions) : contains(["scheduler"], role)])
    error_message = "ec2_scheduler.functions: settings by function role, one of scheduler (see the module's README)."
  }
}

variable "enable_ebs_snapshot_backup" {
  description = "Deploy scenario 3: scheduled EBS snapshot backups across regions, with retention and copies."
  type        = bool
  default     = true
}

variable "ebs_snapshot_backup" {
  description = "Settings passed to modules/ebs-snapshot-backup (see its README). regions = null backs up every enabled region. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Role: backup."
  type = object({
    schedule = optional(object({
      expression     = optional(string, "cron(0 3 * * ? *)")
      window_minutes = optional(number, 1440)
      enabled        = optional(bool, true)
    }), {})
    regions = optional(list(string))
    selection = optional(object({
      include_in_use = optional(bool, true)
      target_tags    = optional(map(string), {})
      exclude_tags   = optional(map(string), {})
    }), {})
    retention = optional(object({
      days  = optional(number)
      count = optional(number)
    }), { days = 7 })
    copy = optional(object({
      region       = string
      wait_seconds = optional(number, 120)
    }))
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.ebs_snapshot_backup.functions) : contains(["backup"], role)])
    error_message = "ebs_snapshot_backup.functions: settings by function role, one of backup (see the module's README)."
  }
}

variable "enable_fleet_provisioner" {
  description = "Deploy scenario 8, the fleet provisioner: a desired EC2 fleet in SSM, reconciled by a scheduled Lambda. Off by default: it launches real instances (five by default) on the first scheduled run. `make demo` turns it on for the local AWS."
  type        = bool
  default     = false
}

variable "fleet_provisioner" {
  description = "Settings passed to modules/fleet-provisioner. servers null = five servers of four configurations in the default VPC; image_id null = the latest Amazon Linux 2023 AMI. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Role: provisioner."
  type = object({
    servers = optional(list(object({
      name               = string
      instance_type      = string
      image_id           = string
      subnet_id          = string
      security_group_ids = list(string)
      tags               = optional(map(string), {})
      count              = optional(number, 1)
    })))
    image_id      = optional(string)
    max_instances = optional(number, 20)
    # What the role may launch (image, subnet, security group ids, instance types); null = what servers use.
    allowed_launch = optional(object({
      image_ids          = optional(list(string))
      subnet_ids         = optional(list(string))
      security_group_ids = optional(list(string))
      instance_types     = optional(list(string))
    }), {})
    # The fleet parameter: ignore_value_changes = true lets operators edit it directly.
    parameter = optional(object({
      name                 = optional(string)
      ignore_value_changes = optional(bool)
    }), {})
    schedule_expression          = optional(string, "cron(0/30 * * * ? *)")
    teardown_schedule_expression = optional(string)
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.fleet_provisioner.functions) : contains(["provisioner"], role)])
    error_message = "fleet_provisioner.functions: settings by function role, one of provisioner (see the module's README)."
  }
}

variable "enable_scheduled_message" {
  description = "Deploy scenario 7: a daily EventBridge Scheduler run sending templated birthday emails through SES to recipients in DynamoDB."
  type        = bool
  default     = true
}

variable "scheduled_message" {
  description = "Settings passed to modules/scheduled-message, in its own shape (see its README). `sender.email` must be an SES identity you can verify; the default is a placeholder to replace before a real deployment. `functions`: settings by function role, the keys of the module's `functions` (unset keys keep the module's defaults). Role: sender."
  type = object({
    sender = optional(object({
      email           = optional(string, "birthdays@example.com")
      create_identity = optional(bool)
    }), {})
    schedule = optional(object({
      time      = optional(string)
      time_zone = optional(string)
      enabled   = optional(bool)
    }), {})
    message = optional(object({
      subject = optional(string)
      body    = optional(string)
      html    = optional(string)
    }), {})
    functions = optional(map(object({
      memory_size                  = optional(number)
      timeout                      = optional(number)
      reserved_concurrency         = optional(number)
      environment_variables        = optional(map(string))
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    })), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for role in keys(var.scheduled_message.functions) : contains(["sender"], role)])
    error_message = "scheduled_message.functions: settings by function role, one of sender (see the module's README)."
  }
}

