output "function_name" {
  description = "Name of the scheduler function (invoke it with `{\"time\": \"<ISO 8601>\"}` to replay a moment)."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the scheduler function."
  value       = module.function.function_arn
}

output "log_group_name" {
  description = "Log group holding one JSON line per action and one summary per run."
  value       = module.function.log_group_name
}

output "role_name" {
  description = "Execution role of the function."
  value       = module.function.role_name
}

output "rule_name" {
  description = "EventBridge rule that runs the scheduler."
  value       = aws_cloudwatch_event_rule.this.name
}

output "regions" {
  description = "Regions the scheduler covers (tag regions plus the regions of listed instances)."
  value       = local.regions
}

output "tag_key" {
  description = "Tag key instances opt in with (value = schedule name)."
  value       = var.tag_key
}

output "schedule_names" {
  description = "Declared schedule names (valid values of the tag)."
  value       = sort(keys(var.schedules))
}

output "policy_statements" {
  description = "The IAM statements granted to the function (for review; attached by lambda-function)."
  value       = local.policy_statements
}
