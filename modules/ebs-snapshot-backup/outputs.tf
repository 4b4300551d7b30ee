output "function_name" {
  description = "Name of the backup function (invoke it with a scheduled-event payload to run a given moment)."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the backup function."
  value       = module.function.function_arn
}

output "log_group_name" {
  description = "Log group of the backup function (one JSON summary line per run)."
  value       = module.function.log_group_name
}

output "role_name" {
  description = "Execution role of the backup function."
  value       = module.function.role_name
}

output "schedule_rule_name" {
  description = "EventBridge rule that triggers the runs."
  value       = aws_cloudwatch_event_rule.schedule.name
}

output "on_failure_queue_url" {
  description = "SQS queue receiving runs that failed after their retries."
  value       = module.on_failure_queue.url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure queue."
  value       = module.on_failure_queue.arn
}

output "managed_tag_key" {
  description = "Tag key marking the snapshots this deployment created; its value is var.name."
  value       = local.managed
}

output "policy_statements" {
  description = "The IAM statements granted to the function (for review; attached by lambda-function)."
  value       = local.policy_statements
}
