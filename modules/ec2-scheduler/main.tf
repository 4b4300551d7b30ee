# Starts and stops EC2 instances on time-zone-aware schedules: one function, run at a fixed rate,
# reconciles every instance tagged `<tag_key> = <schedule name>` (or listed by id) in the
# configured regions with its schedule.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  home      = data.aws_region.current.id

  tag_regions = length(var.regions) > 0 ? var.regions : [local.home]
  instances   = { for id, i in var.instances : id => { schedule = i.schedule, region = coalesce(i.region, local.home) } }
  regions     = distinct(concat(local.tag_regions, [for i in values(local.instances) : i.region]))

  rate             = regex("^rate\\(([0-9]+) (minute|hour)s?\\)$", var.schedule_expression)
  interval_minutes = tonumber(local.rate[0]) * (local.rate[1] == "hour" ? 60 : 1)

  # What the function reads at cold start (SCHEDULER_CONFIG); see functions/ec2_scheduler/config.py.
  scheduler_config = jsonencode({
    tag_key = var.tag_key
    regions = local.tag_regions
    schedules = { for name, s in var.schedules : name => {
      time_zone = s.time_zone
      periods   = [for p in s.periods : { weekdays = [for d in p.weekdays : lower(d)], begin = p.begin, end = p.end }]
    } }
    instances = local.instances
  })

  policy_statements = concat(
    [
      {
        # ec2:DescribeInstances does not support resource-level permissions.
        sid                     = "DescribeInstances"
        actions                 = ["ec2:DescribeInstances"]
        resources               = ["*"]
        conditions              = []
        allow_wildcard_resource = true
      },
      {
        sid       = "StartStopTaggedInstances"
        actions   = ["ec2:StartInstances", "ec2:StopInstances"]
        resources = [for r in local.tag_regions : "arn:${local.partition}:ec2:${r}:${local.account}:instance/*"]
        conditions = [{
          test     = "StringEquals"
          variable = "aws:ResourceTag/${var.tag_key}"
          values   = sort(keys(var.schedules))
        }]
        allow_wildcard_resource = false
      },
    ],
    length(local.instances) == 0 ? [] : [{
      sid                     = "StartStopListedInstances"
      actions                 = ["ec2:StartInstances", "ec2:StopInstances"]
      resources               = [for id, i in local.instances : "arn:${local.partition}:ec2:${i.region}:${local.account}:instance/${id}"]
      conditions              = []
      allow_wildcard_resource = false
    }],
    length(var.kms_key_arns) == 0 ? [] : [{
      # Starting an instance with volumes encrypted by a customer-managed key makes EC2 create a grant.
      sid       = "GrantForEncryptedVolumes"
      actions   = ["kms:CreateGrant"]
      resources = var.kms_key_arns
      conditions = [{
        test     = "Bool"
        variable = "kms:GrantIsForAWSResource"
        values   = ["true"]
      }]
      allow_wildcard_resource = false
    }],
  )
}

module "function" {
  source = "../lambda-function"

  name                  = var.name
  description           = "Starts/stops EC2 instances tagged ${var.tag_key}=<schedule> in ${join(", ", local.regions)}"
  package               = var.package
  handler               = "ec2_scheduler.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size
  timeout               = var.timeout
  reserved_concurrency  = var.reserved_concurrency
  layers                = var.layers
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  environment_variables = {
    SCHEDULER_CONFIG        = local.scheduler_config
    ENFORCED                = tostring(var.enforced)
    DRY_RUN                 = tostring(var.dry_run)
    RUN_INTERVAL_MINUTES    = tostring(local.interval_minutes)
    POWERTOOLS_SERVICE_NAME = "ec2-scheduler"
  }

  # A retried run replays its event's moment; one older than an interval would act on a stale
  # desired state, so it is dropped and the next scheduled run takes over.
  async_invoke = {
    maximum_retry_attempts       = var.maximum_retry_attempts
    maximum_event_age_in_seconds = max(60, local.interval_minutes * 60)
  }

  policy_statements = local.policy_statements
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = var.name
  description         = "Runs the EC2 scheduler ${var.schedule_expression}"
  schedule_expression = var.schedule_expression
  state               = var.rule_enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags

  lifecycle {
    precondition {
      # Lambda allows 4 KB of environment variables in total.
      condition     = length(local.scheduler_config) <= 3500
      error_message = "schedules/instances: the scheduler configuration is ${length(local.scheduler_config)} bytes of JSON; Lambda environment variables are limited to 4 KB in total (keep it under 3500 bytes)."
    }
  }
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "ec2-scheduler"
  arn       = module.function.function_arn
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
