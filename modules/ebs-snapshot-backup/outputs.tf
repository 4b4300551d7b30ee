# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: backup (invoke it with a scheduled-event payload to run a given moment)."
  value       = { backup = module.function.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: backup."
  value       = { backup = module.function.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: backup (one JSON summary line per run)."
  value       = { backup = module.function.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: backup."
  value       = { backup = module.function.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: backup (runs that failed after their retries)."
  value       = { backup = module.on_failure_queue.url }
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = { backup = module.on_failure_queue.arn }
}

output "schedule_names" {
  description = "EventBridge schedules by purpose: backup (the rule that triggers the runs)."
  value       = { backup = aws_cloudwatch_event_rule.schedule.name }
}

# Scenario outputs.
output "managed_tag" {
  description = "The tag (key and value) marking the snapshots this deployment created: the only ones it may delete."
  value       = { key = local.managed, value = var.name }
}

output "regions" {
  description = "Regions whose volumes are backed up (null = every region enabled for the account, read at run time)."
  value       = var.regions
}

output "copy_region" {
  description = "Region every new snapshot is copied to (null without copies)."
  value       = try(var.copy.region, null)
}

output "policy_statements" {
  description = "The IAM statements granted to the function (for review; attached by lambda-function)."
  value       = local.policy_statements
}
