################################################################################
# Execution role: trusted by Lambda only, one inline policy with scoped statements
################################################################################

data "aws_partition" "current" {}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.role_name
  description          = "Execution role of Lambda function ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.role_permissions_boundary_arn
  tags                 = var.tags
}

locals {
  role_name = coalesce(var.role_name, var.name)

  # The one permission a destination / DLQ needs, by the service in its ARN.
  send_action = {
    sqs    = "sqs:SendMessage"
    sns    = "sns:Publish"
    lambda = "lambda:InvokeFunction"
    events = "events:PutEvents"
  }

  on_success_destination = try(var.async_invoke.on_success_destination, null)
  on_failure_destination = try(var.async_invoke.on_failure_destination, null)

  # Every statement the module itself adds, in the same shape as var.policy_statements.
  module_statements = concat(
    [{
      sid                     = "WriteOwnLogGroup"
      effect                  = "Allow"
      actions                 = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources               = ["${aws_cloudwatch_log_group.this.arn}:*"]
      conditions              = []
      allow_wildcard_resource = false
    }],
    local.on_success_destination == null ? [] : [{
      sid                     = "AsyncOnSuccessDestination"
      effect                  = "Allow"
      actions                 = [local.send_action[split(":", local.on_success_destination)[2]]]
      resources               = [local.on_success_destination]
      conditions              = []
      allow_wildcard_resource = false
    }],
    local.on_failure_destination == null ? [] : [{
      sid                     = "AsyncOnFailureDestination"
      effect                  = "Allow"
      actions                 = [local.send_action[split(":", local.on_failure_destination)[2]]]
      resources               = [local.on_failure_destination]
      conditions              = []
      allow_wildcard_resource = false
    }],
    var.dead_letter_target_arn == null ? [] : [{
      sid                     = "DeadLetterTarget"
      effect                  = "Allow"
      actions                 = [local.send_action[split(":", var.dead_letter_target_arn)[2]]]
      resources               = [var.dead_letter_target_arn]
      conditions              = []
      allow_wildcard_resource = false
    }],
    var.tracing_mode != "Active" ? [] : [{
      sid     = "XRayWrite"
      effect  = "Allow"
      actions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      # X-Ray write actions do not support resource-level permissions:
      # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
      resources               = ["*"]
      conditions              = []
      allow_wildcard_resource = true
    }],
  )

  policy_statements = concat(local.module_statements, var.policy_statements)
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = local.policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = var.name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json

  lifecycle {
    precondition {
      condition     = alltrue([for s in local.policy_statements : s.allow_wildcard_resource || !contains(s.resources, "*")])
      error_message = "Inline policy: a statement has resource \"*\" without allow_wildcard_resource = true."
    }
  }
}

# ENI management (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, ...) has no
# resource-level scoping for Describe*/Create* at function-create time, so the AWS managed
# policy is the least-bad option and stays in sync with what Lambda needs.
resource "aws_iam_role_policy_attachment" "vpc" {
  count = var.vpc == null ? 0 : 1

  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}
