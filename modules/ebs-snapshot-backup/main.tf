# Scheduled EBS snapshot backups across regions: selection by tag or attachment, one snapshot per
# volume per backup window, retention by age or count, optional cross-region copies.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  managed   = "ebs-backup:managed-by"

  # Resource ARNs are scoped to the listed regions (plus the copy region); with regions = null
  # the regions are only known at run time, so the region part is "*".
  source_regions       = var.regions == null ? ["*"] : var.regions
  snapshot_regions     = var.regions == null ? ["*"] : distinct(concat(var.regions, var.copy == null ? [] : [var.copy.region]))
  volume_arns          = [for r in local.source_regions : "arn:${local.partition}:ec2:${r}:${local.account}:volume/*"]
  snapshot_arns        = [for r in local.snapshot_regions : "arn:${local.partition}:ec2:${r}::snapshot/*"]
  source_snapshot_arns = [for r in local.source_regions : "arn:${local.partition}:ec2:${r}::snapshot/*"]

  request_tag_is_ours = {
    test     = "StringEquals"
    variable = "aws:RequestTag/${local.managed}"
    values   = [var.name]
  }

  policy_statements = concat(
    [
      {
        # DescribeVolumes, DescribeSnapshots and DescribeRegions do not support resource-level
        # permissions: their only resource is "*".
        sid                     = "DescribeVolumesSnapshotsRegions"
        actions                 = ["ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:DescribeRegions"]
        resources               = ["*"]
        conditions              = []
        allow_wildcard_resource = true
      },
      {
        sid                     = "SnapshotVolumes"
        actions                 = ["ec2:CreateSnapshot"]
        resources               = local.volume_arns
        conditions              = []
        allow_wildcard_resource = false
      },
      {
        # The new snapshot must be created carrying this deployment's managed-by tag.
        sid                     = "CreateManagedSnapshots"
        actions                 = ["ec2:CreateSnapshot"]
        resources               = local.source_snapshot_arns
        conditions              = [local.request_tag_is_ours]
        allow_wildcard_resource = false
      },
      {
        # Tags only while creating a snapshot or a copy, and only with the managed-by tag set.
        sid       = "TagSnapshotsOnCreate"
        actions   = ["ec2:CreateTags"]
        resources = local.snapshot_arns
        conditions = [
          { test = "StringEquals", variable = "ec2:CreateAction", values = var.copy == null ? ["CreateSnapshot"] : ["CreateSnapshot", "CopySnapshot"] },
          local.request_tag_is_ours,
        ]
        allow_wildcard_resource = false
      },
      {
        sid       = "DeleteOnlyManagedSnapshots"
        actions   = ["ec2:DeleteSnapshot"]
        resources = local.snapshot_arns
        conditions = [{
          test     = "StringEquals"
          variable = "aws:ResourceTag/${local.managed}"
          values   = [var.name]
        }]
        allow_wildcard_resource = false
      },
    ],
    var.copy == null ? [] : [
      {
        # EC2 authorizes CopySnapshot on the source snapshot too: only this deployment's.
        sid       = "CopyFromManagedSnapshots"
        actions   = ["ec2:CopySnapshot"]
        resources = local.source_snapshot_arns
        conditions = [{
          test     = "StringEquals"
          variable = "aws:ResourceTag/${local.managed}"
          values   = [var.name]
        }]
        allow_wildcard_resource = false
      },
      {
        # ... and on the new snapshot in the copy region, which must carry the managed-by tag.
        sid                     = "CopyManagedSnapshots"
        actions                 = ["ec2:CopySnapshot"]
        resources               = ["arn:${local.partition}:ec2:${var.copy.region}::snapshot/*"]
        conditions              = [local.request_tag_is_ours]
        allow_wildcard_resource = false
      },
    ],
    var.copy == null || length(var.kms_key_arns) == 0 ? [] : [{
      # CopySnapshot of a snapshot encrypted with a customer managed key: EC2 decrypts with the
      # source key and re-encrypts with the destination's, on the caller's behalf (AWS documents
      # these five actions); only through EC2 in the regions involved.
      sid = "CopyEncryptedSnapshots"
      actions = [
        "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom", "kms:ReEncryptTo",
      ]
      resources = var.kms_key_arns
      conditions = [{
        test     = var.regions == null ? "StringLike" : "StringEquals"
        variable = "kms:ViaService"
        values   = [for r in local.snapshot_regions : "ec2.${r}.amazonaws.com"]
      }]
      allow_wildcard_resource = false
    }],
    var.kms_key_arn == null ? [] : [{
      # Lambda sends failed runs to the SSE-KMS queue with the function's role.
      sid                     = "UseQueueKey"
      actions                 = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources               = [var.kms_key_arn]
      conditions              = []
      allow_wildcard_resource = false
    }],
  )

  # The module's own variables come last (and var.functions' validation rejects them): the
  # code cannot be pointed at regions or tags the role does not cover.
  environment = merge(var.functions.backup.environment_variables, {
    BACKUP_NAME             = var.name
    REGIONS                 = var.regions == null ? "" : join(",", var.regions)
    INCLUDE_IN_USE          = tostring(var.selection.include_in_use)
    TARGET_TAGS             = jsonencode(var.selection.target_tags)
    EXCLUDE_TAGS            = jsonencode(var.selection.exclude_tags)
    RETENTION_DAYS          = var.retention.days == null ? "" : tostring(var.retention.days)
    RETENTION_COUNT         = var.retention.count == null ? "" : tostring(var.retention.count)
    WINDOW_MINUTES          = tostring(var.schedule.window_minutes)
    COPY_REGION             = var.copy == null ? "" : var.copy.region
    COPY_WAIT_SECONDS       = var.copy == null ? "0" : tostring(var.copy.wait_seconds)
    COPY_VOLUME_TAGS        = tostring(var.copy_volume_tags)
    SNAPSHOT_TAGS           = jsonencode(var.snapshot_tags)
    POWERTOOLS_SERVICE_NAME = "ebs-snapshot-backup"
  })
}

# Runs that failed (after their retries) land here with the error and the summary.
module "on_failure_queue" {
  source = "../private-queue"

  name        = "${var.name}-failures"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

moved {
  from = aws_sqs_queue.on_failure
  to   = module.on_failure_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.on_failure
  to   = module.on_failure_queue.aws_sqs_queue_policy.this
}

module "function" {
  source = "../lambda-function"

  name                  = var.name
  description           = "EBS snapshot backup ${var.name}: ${var.schedule.expression}"
  package               = var.packages.backup
  handler               = "ebs_snapshot_backup.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.backup.memory_size
  timeout               = var.functions.backup.timeout
  reserved_concurrency  = var.functions.backup.reserved_concurrency
  layers                = [var.layers.powertools]
  log_retention_in_days = var.log_retention_in_days
  environment_variables = local.environment
  policy_statements     = local.policy_statements
  tags                  = var.tags

  async_invoke = {
    maximum_retry_attempts       = var.functions.backup.maximum_retry_attempts
    maximum_event_age_in_seconds = var.functions.backup.maximum_event_age_in_seconds
    on_failure_destination       = module.on_failure_queue.arn
  }
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "${var.name}-schedule"
  description         = "Runs the EBS snapshot backup ${var.name}"
  schedule_expression = var.schedule.expression
  state               = var.schedule.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "function" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = module.function.function_arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}
