# A desired EC2 fleet kept as JSON in SSM, reconciled by a scheduled (or invoked) Lambda that
# launches only what is missing and only ever touches instances carrying its owner tag.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  owner          = coalesce(var.owner, var.name)
  owner_tag_key  = "FleetOwner"
  parameter_name = coalesce(var.parameter.name, "/${var.name}/fleet")
  document       = jsonencode({ servers = var.fleet })
  total          = sum(concat([0], [for s in var.fleet : s.count]))
  # Standard parameters hold 4 KB; advanced ones 8 KB (and cost per parameter-month).
  parameter_tier = length(local.document) > 4096 ? "Advanced" : "Standard"

  arn_prefix = "arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.id}"
  account    = data.aws_caller_identity.current.account_id
  image_ids  = var.allowed_launch.image_ids != null ? var.allowed_launch.image_ids : distinct([for s in var.fleet : s.image_id])
  subnet_ids = var.allowed_launch.subnet_ids != null ? var.allowed_launch.subnet_ids : distinct([for s in var.fleet : s.subnet_id])
  group_ids  = var.allowed_launch.security_group_ids != null ? var.allowed_launch.security_group_ids : distinct(flatten([for s in var.fleet : s.security_group_ids]))
  # What ec2:InstanceType allows; the function checks the document against it too.
  instance_types = sort(distinct(var.allowed_launch.instance_types != null ? var.allowed_launch.instance_types : [for s in var.fleet : s.instance_type]))

  parameter_arn = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.id}:${local.account}:parameter/${trimprefix(local.parameter_name, "/")}"

  schedules = merge(
    var.schedule_expression == null ? {} : { reconcile = var.schedule_expression },
    var.teardown_schedule_expression == null ? {} : { teardown = var.teardown_schedule_expression },
  )
}

# ------------------------------------------------------------------ the desired fleet
# Type String: the document holds ids and tags, nothing secret, so no KMS key is needed to read it.
resource "aws_ssm_parameter" "fleet" {
  count = var.parameter.ignore_value_changes ? 0 : 1
  #checkov:skip=CKV2_AWS_34:The fleet document is configuration (ids, instance types, tags), not a secret; String keeps reads free of KMS.
  name        = local.parameter_name
  description = "Desired fleet of ${var.name} (JSON: {\"servers\": [...]})"
  type        = "String"
  tier        = local.parameter_tier
  value       = local.document
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = length(local.document) <= 8192
      error_message = "fleet: the JSON document exceeds 8 KB, the SSM advanced-parameter limit; split the fleet across provisioners."
    }
    precondition {
      condition     = local.total <= var.max_instances
      error_message = "fleet: the specs' counts add up to more than max_instances."
    }
    precondition {
      condition     = alltrue([for server in var.fleet : contains(local.instance_types, server.instance_type)])
      error_message = "fleet: instance types ${join(", ", sort(distinct([for server in var.fleet : server.instance_type if !contains(local.instance_types, server.instance_type)])))} are not in allowed_launch.instance_types (${join(", ", local.instance_types)})."
    }
  }
}

resource "aws_ssm_parameter" "fleet_operator_managed" {
  count = var.parameter.ignore_value_changes ? 1 : 0
  #checkov:skip=CKV2_AWS_34:The fleet document is configuration (ids, instance types, tags), not a secret; String keeps reads free of KMS.
  name        = local.parameter_name
  description = "Desired fleet of ${var.name} (JSON: {\"servers\": [...]}); edited by operators"
  type        = "String"
  tier        = "Advanced"
  value       = local.document
  tags        = var.tags

  lifecycle {
    ignore_changes = [value]
    precondition {
      condition     = length(local.document) <= 8192 && local.total <= var.max_instances
      error_message = "fleet: the JSON document exceeds 8 KB or the counts add up to more than max_instances."
    }
  }
}

# ------------------------------------------------------------------ the provisioner
locals {
  policy_statements = [
    {
      # The instance must carry the owner tag in the request itself and be of an allowed type
      # (the fleet document is operator-editable).
      sid       = "RunOwnedInstances"
      actions   = ["ec2:RunInstances"]
      resources = ["${local.arn_prefix}:${local.account}:instance/*"]
      conditions = [
        {
          test     = "StringEquals"
          variable = "aws:RequestTag/${local.owner_tag_key}"
          values   = [local.owner]
        },
        {
          test     = "StringEquals"
          variable = "ec2:InstanceType"
          values   = local.instance_types
        },
      ]
    },
    {
      # Its volumes too carry the owner tag (ec2:InstanceType does not apply to volumes).
      sid       = "RunOwnedVolumes"
      actions   = ["ec2:RunInstances"]
      resources = ["${local.arn_prefix}:${local.account}:volume/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:RequestTag/${local.owner_tag_key}"
        values   = [local.owner]
      }]
    },
    {
      # What an instance is launched from and into: only the allowed images, subnets and
      # groups; the network interface RunInstances creates in those subnets.
      sid     = "RunInstancesFromAllowedInputs"
      actions = ["ec2:RunInstances"]
      resources = concat(
        [for id in local.image_ids : "${local.arn_prefix}::image/${id}"],
        [for id in local.subnet_ids : "${local.arn_prefix}:${local.account}:subnet/${id}"],
        [for id in local.group_ids : "${local.arn_prefix}:${local.account}:security-group/${id}"],
        ["${local.arn_prefix}:${local.account}:network-interface/*"],
      )
    },
    {
      # Tags only as part of a launch (TagSpecifications), never on existing resources.
      sid       = "TagOnLaunchOnly"
      actions   = ["ec2:CreateTags"]
      resources = ["${local.arn_prefix}:${local.account}:instance/*", "${local.arn_prefix}:${local.account}:volume/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "ec2:CreateAction"
        values   = ["RunInstances"]
      }]
    },
    {
      sid       = "TerminateOwnedInstances"
      actions   = ["ec2:TerminateInstances"]
      resources = ["${local.arn_prefix}:${local.account}:instance/*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:ResourceTag/${local.owner_tag_key}"
        values   = [local.owner]
      }]
    },
    {
      # ec2:DescribeInstances does not support resource-level permissions:
      # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
      sid                     = "DescribeInstances"
      actions                 = ["ec2:DescribeInstances"]
      resources               = ["*"]
      allow_wildcard_resource = true
    },
    {
      sid       = "ReadFleetParameter"
      actions   = ["ssm:GetParameter"]
      resources = [local.parameter_arn]
    },
  ]
}

locals {
  environment = {
    FLEET_PARAMETER_NAME    = local.parameter_name
    FLEET_OWNER             = local.owner
    OWNER_TAG_KEY           = local.owner_tag_key
    SPEC_TAG_KEY            = "FleetSpec"
    INDEX_TAG_KEY           = "FleetIndex"
    MAX_INSTANCES           = tostring(var.max_instances)
    INSTANCE_TAGS           = jsonencode(var.instance_tags)
    ALLOWED_INSTANCE_TYPES  = jsonencode(local.instance_types)
    POWERTOOLS_SERVICE_NAME = "fleet-provisioner"
  }
}

module "function" {
  source = "../lambda-function"

  name                  = var.name
  description           = "Reconciles the EC2 fleet in ${local.parameter_name} (owner tag ${local.owner_tag_key}=${local.owner})"
  package               = var.packages.provisioner
  handler               = "fleet_provisioner.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.provisioner.memory_size
  timeout               = var.functions.provisioner.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.provisioner.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  # The module's own variables come last (and var.functions' validation rejects them).
  environment_variables = merge(var.functions.provisioner.environment_variables, local.environment)

  async_invoke = {
    maximum_retry_attempts       = var.functions.provisioner.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.provisioner.maximum_event_age_in_seconds
  }

  policy_statements = local.policy_statements
}

# ------------------------------------------------------------------ schedules
# EventBridge rules, not EventBridge Scheduler: rules are UTC-only but fire everywhere this
# module is tested (Scheduler supports time zones, but LocalStack never fires its targets).
resource "aws_cloudwatch_event_rule" "schedule" {
  for_each = local.schedules

  name                = "${var.name}-${each.key}"
  description         = "${each.key} the fleet of ${var.name}"
  schedule_expression = each.value
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  for_each = local.schedules

  rule  = aws_cloudwatch_event_rule.schedule[each.key].name
  arn   = module.function.function_arn
  input = jsonencode({ action = each.key, source = "schedule" })
}

resource "aws_lambda_permission" "schedule" {
  for_each = local.schedules

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn
}
