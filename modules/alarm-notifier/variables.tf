variable "name" {
  description = "Name prefix of every resource of this module (topics, function, alarms, queue, key alias)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name: 2-41 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "packages" {
  description = "The functions' zips, by role: `notifier` (functions/alarm_notifier); each exactly one of `file` (a local path, e.g. built by `make build`) or `s3` (`bucket`, `key`, optional `version`, hex `sha256`: a released artifact in your bucket). See modules/lambda-function."
  type = object({
    notifier = object({
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

variable "kms_key_arn" {
  description = "Customer managed KMS key for the SNS topics, the webhook URL parameter and the on-failure queue. Its policy must let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*), or alarms cannot publish. null = the module creates such a key (with rotation). The AWS managed key aws/sns cannot be used: CloudWatch cannot publish to topics encrypted with it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "cpu_alarms" {
  description = "One CloudWatch alarm per EC2 instance on CPUUtilization (statistic Average): ALARM when it is above `threshold` percent for `datapoints_to_alarm` of `evaluation_periods` periods of `period` seconds. Missing data is treated as `treat_missing_data`."
  type = object({
    instance_ids        = optional(list(string), [])
    threshold           = optional(number, 80)
    period              = optional(number, 300)
    evaluation_periods  = optional(number, 2)
    datapoints_to_alarm = optional(number)
    treat_missing_data  = optional(string, "missing")
  })
  default = {}

  validation {
    condition     = alltrue([for id in var.cpu_alarms.instance_ids : can(regex("^i-[0-9a-f]{8,17}$", id))])
    error_message = "cpu_alarms.instance_ids: each entry must be an EC2 instance ID (i-xxxxxxxx)."
  }

  validation {
    condition     = var.cpu_alarms.threshold > 0 && var.cpu_alarms.threshold <= 100
    error_message = "cpu_alarms.threshold: a CPU percentage, greater than 0 and at most 100."
  }

  validation {
    condition     = contains([10, 30], var.cpu_alarms.period) || (var.cpu_alarms.period >= 60 && var.cpu_alarms.period % 60 == 0)
    error_message = "cpu_alarms.period: 10, 30 or a multiple of 60 seconds (CloudWatch rule)."
  }

  validation {
    condition     = var.cpu_alarms.evaluation_periods >= 1 && (var.cpu_alarms.datapoints_to_alarm == null || try(var.cpu_alarms.datapoints_to_alarm >= 1 && var.cpu_alarms.datapoints_to_alarm <= var.cpu_alarms.evaluation_periods, false))
    error_message = "cpu_alarms: evaluation_periods must be >= 1 and datapoints_to_alarm between 1 and evaluation_periods."
  }

  validation {
    condition     = contains(["missing", "notBreaching", "breaching", "ignore"], var.cpu_alarms.treat_missing_data)
    error_message = "cpu_alarms.treat_missing_data: missing, notBreaching, breaching or ignore."
  }
}

variable "log_alarms" {
  description = "Alarms on application logs, by a short key: a metric filter counts lines of `log_group_name` matching `pattern` (CloudWatch Logs filter syntax, e.g. `ERROR` or `{ $.level = \"error\" }`) into metric `<key>` of namespace `<name>/logs`; ALARM when the count over `period` seconds is >= `threshold`. No matching lines = notBreaching."
  type = map(object({
    log_group_name     = string
    pattern            = string
    threshold          = optional(number, 1)
    period             = optional(number, 300)
    evaluation_periods = optional(number, 1)
    description        = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for k, a in var.log_alarms : can(regex("^[a-z0-9][a-z0-9-]{0,40}$", k)) && length(trimspace(a.pattern)) > 0 && a.threshold >= 1])
    error_message = "log_alarms: keys are 1-41 lower-case letters, digits or '-'; pattern must not be empty; threshold >= 1."
  }

  validation {
    condition     = alltrue([for a in values(var.log_alarms) : a.period >= 60 && a.period % 60 == 0 && a.evaluation_periods >= 1])
    error_message = "log_alarms: period must be a multiple of 60 seconds and evaluation_periods >= 1."
  }
}

variable "notify_on_ok" {
  description = "Also notify when an alarm returns to OK (the alarms' ok_actions)."
  type        = bool
  default     = true
}

variable "notify_on_insufficient_data" {
  description = "Also notify when an alarm goes to INSUFFICIENT_DATA (usually noise: stopped instances, no log lines)."
  type        = bool
  default     = false
}

variable "email" {
  description = "Email channel through SES: `sender` must be a verified SES identity (create_sender_identity = true makes this module create the email identity; AWS then mails a verification link to it). While the account is in the SES sandbox the recipients must be verified too. null = no email channel."
  type = object({
    sender                 = string
    recipients             = list(string)
    create_sender_identity = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.email == null || alltrue([for a in concat([try(var.email.sender, "")], try(var.email.recipients, [])) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "email: sender and every recipient must be email addresses."
  }

  validation {
    condition     = var.email == null || (length(try(var.email.recipients, [])) >= 1 && length(try(var.email.recipients, [])) <= 50)
    error_message = "email.recipients: 1 to 50 addresses (SES limit per message)."
  }
}

variable "notification_topic" {
  description = "Channel: an SNS topic (KMS-encrypted) the formatted notification is published to, with optional email and SMS (E.164 phone numbers) subscriptions. Email subscribers must confirm by the link AWS mails them. Other subscribers can be added from outside with the `notification_topic_arn` output. null = no topic channel."
  type = object({
    email_subscriptions = optional(list(string), [])
    sms_subscriptions   = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.notification_topic == null || alltrue([for p in try(var.notification_topic.sms_subscriptions, []) : can(regex("^\\+[1-9][0-9]{6,14}$", p))])
    error_message = "notification_topic.sms_subscriptions: phone numbers in E.164 form (+<country><number>)."
  }
}

variable "webhook" {
  description = "Channel: an HTTPS webhook (Slack incoming webhook or anything that takes Slack's JSON). The secret URL lives in an SSM SecureString parameter read by the function at cold start: pass an existing `url_parameter_name` (recommended: the URL then never enters Terraform state), or leave it null and set `webhook_url`, which this module stores in parameter `/<name>/webhook-url` encrypted with the module's key. `url_parameter_kms_key_arn`: the CMK of an existing parameter, if it is not the AWS managed aws/ssm key. null = no webhook channel."
  type = object({
    url_parameter_name        = optional(string)
    url_parameter_kms_key_arn = optional(string)
    timeout_seconds           = optional(number, 5)
  })
  default = null

  validation {
    condition     = var.webhook == null || can(regex("^/[A-Za-z0-9_./-]{1,1000}$", coalesce(var.webhook.url_parameter_name, "/unset")))
    error_message = "webhook.url_parameter_name: a fully qualified SSM parameter name starting with '/'."
  }

  validation {
    condition     = var.webhook == null || try(var.webhook.timeout_seconds > 0 && var.webhook.timeout_seconds <= 30, false)
    error_message = "webhook.timeout_seconds: more than 0 and at most 30 seconds."
  }
}

variable "webhook_url" {
  description = "The webhook URL, when the module should store it (webhook.url_parameter_name = null). https:// only (the function refuses anything else and never follows redirects). It is kept in Terraform state: prefer an existing parameter."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.webhook_url == null || can(regex("^https://[^\\s/]+(/\\S*)?$", var.webhook_url))
    error_message = "webhook_url: must be an https:// URL."
  }
}

variable "publishers" {
  description = "IAM principal ARNs (roles, users, accounts) allowed to publish to the alarm topic besides CloudWatch alarms of this account and region, e.g. a role that runs incident drills. Whatever is published there is relayed to every channel. [] = CloudWatch only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.publishers : can(regex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|role/.+|user/.+)|sts::[0-9]{12}:assumed-role/.+)$", p))])
    error_message = "publishers: IAM principal ARNs (arn:aws:iam::<account>:role/<name>, :user/<name> or :root); no wildcards."
  }
}

variable "lookup_resource_names" {
  description = "Look up the Name tag of the EC2 instance an alarm watches (one ec2:DescribeInstances call per notification; that API has no resource-level permissions, so the role gets it on `*`)."
  type        = bool
  default     = true
}

variable "functions" {
  description = "Settings of each function, by role (the contract every scenario module shares: see the top-level README, Module interface): `notifier`, invoked asynchronously by SNS. After `maximum_retry_attempts` failed retries (a channel still failing; the retries repeat only the channels that have not delivered) or `maximum_event_age_in_seconds`, the event goes to the on-failure SQS queue with the reason."
  type = object({
    notifier = optional(object({
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
    condition     = var.functions.notifier.timeout >= 5 && var.functions.notifier.timeout <= 900
    error_message = "functions.notifier.timeout: 5-900 seconds (every channel is tried in turn)."
  }

  validation {
    condition     = length(setintersection(keys(var.functions.notifier.environment_variables), ["POWERTOOLS_SERVICE_NAME", "LOOKUP_RESOURCE_NAMES", "EMAIL_SENDER", "EMAIL_RECIPIENTS", "NOTIFICATION_TOPIC_ARN", "WEBHOOK_URL_PARAMETER", "WEBHOOK_TIMEOUT_SECONDS"])) == 0
    error_message = "functions.notifier.environment_variables: POWERTOOLS_SERVICE_NAME, LOOKUP_RESOURCE_NAMES, EMAIL_*, NOTIFICATION_TOPIC_ARN and WEBHOOK_* are set by the module from its inputs (the role's permissions follow them); use lookup_resource_names, email, notification_topic and webhook."
  }
}

variable "delivery_record_retention_days" {
  description = "Days the record of a delivery (one per alarm state change and channel) is kept. Within it, an SNS re-delivery, a retry or a redrive of the same state change repeats only the channels that have not delivered it. Keep it longer than the on-failure queue keeps events (14 days), so a redrive never repeats a delivered channel."
  type        = number
  default     = 15

  validation {
    condition     = var.delivery_record_retention_days >= 1 && var.delivery_record_retention_days <= 365 && floor(var.delivery_record_retention_days) == var.delivery_record_retention_days
    error_message = "delivery_record_retention_days: a whole number of days from 1 to 365."
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
