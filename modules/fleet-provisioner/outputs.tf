output "function_name" {
  description = "Name of the provisioner function (invoke it with {\"action\": \"reconcile\" | \"plan\" | \"teardown\"})."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the provisioner function."
  value       = module.function.function_arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = module.function.role_name
}

output "log_group_name" {
  description = "Log group of the provisioner."
  value       = module.function.log_group_name
}

output "parameter_name" {
  description = "SSM parameter holding the fleet document."
  value       = local.parameter_name
}

output "parameter_tier" {
  description = "Tier of the parameter: Standard up to 4 KB, Advanced above (or when operators manage the value)."
  value       = var.parameter.ignore_value_changes ? "Advanced" : local.parameter_tier
}

output "owner_tag" {
  description = "The tag (key and value) on every instance the provisioner owns."
  value       = { key = local.owner_tag_key, value = local.owner }
}

output "schedule_rule_names" {
  description = "EventBridge rule names by action (reconcile, teardown); absent when not scheduled."
  value       = { for k, r in aws_cloudwatch_event_rule.schedule : k => r.name }
}

output "policy_statements" {
  description = "The statements of the function's inline policy this module adds (beyond writing its own logs), for review."
  value       = local.policy_statements
}
