# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: provisioner (invoke it with {\"action\": \"reconcile\" | \"plan\" | \"teardown\"})."
  value       = { provisioner = module.function.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: provisioner."
  value       = { provisioner = module.function.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: provisioner."
  value       = { provisioner = module.function.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: provisioner."
  value       = { provisioner = module.function.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: none (a failed run is reported in its log and superseded by the next scheduled one)."
  value       = {}
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role: none."
  value       = {}
}

output "schedule_names" {
  description = "EventBridge schedules by purpose: reconcile, teardown (each absent when not scheduled)."
  value       = { for k, r in aws_cloudwatch_event_rule.schedule : k => r.name }
}

# Scenario outputs.
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

output "policy_statements" {
  description = "The statements of the function's inline policy this module adds (beyond writing its own logs), for review."
  value       = local.policy_statements
}
