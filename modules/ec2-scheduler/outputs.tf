# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: scheduler (invoke it with `{\"time\": \"<ISO 8601>\"}` to replay a moment)."
  value       = { scheduler = module.function.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: scheduler."
  value       = { scheduler = module.function.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: scheduler (one JSON line per action and one summary per run)."
  value       = { scheduler = module.function.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: scheduler."
  value       = { scheduler = module.function.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: none (a failed run is superseded by the next scheduled one)."
  value       = {}
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role: none."
  value       = {}
}

output "schedule_names" {
  description = "EventBridge schedules by purpose: reconcile (the rate rule that runs the scheduler)."
  value       = { reconcile = aws_cloudwatch_event_rule.this.name }
}

# Scenario outputs.
output "schedule_tag_values" {
  description = "Declared schedule names: the valid values of the tag_key tag."
  value       = sort(keys(var.schedules))
}

output "regions" {
  description = "Regions the scheduler covers (tag regions plus the regions of listed instances)."
  value       = local.regions
}

output "tag_key" {
  description = "Tag key instances opt in with (value = schedule name)."
  value       = var.tag_key
}

output "policy_statements" {
  description = "The IAM statements granted to the function (for review; attached by lambda-function)."
  value       = local.policy_statements
}
