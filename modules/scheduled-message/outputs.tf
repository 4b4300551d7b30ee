# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: sender (invoke it with {\"scheduled_time\": \"<ISO time>\"} to replay a day)."
  value       = { sender = module.function.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: sender."
  value       = { sender = module.function.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: sender."
  value       = { sender = module.function.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: sender."
  value       = { sender = module.function.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: sender (runs the schedule or Lambda gave up on)."
  value       = { sender = module.failures_queue.url }
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = { sender = module.failures_queue.arn }
}

output "schedule_names" {
  description = "EventBridge Scheduler schedules (default group) by purpose: daily."
  value       = { daily = aws_scheduler_schedule.daily.name }
}

# Scenario outputs.
output "table_name" {
  description = "Recipients table (partition key recipient_id; attributes name, email, birthday, optional time_zone; the function adds last_sent_on, send_status, message_id, sent_at)."
  value       = aws_dynamodb_table.recipients.name
}

output "table_arn" {
  description = "ARN of the recipients table."
  value       = aws_dynamodb_table.recipients.arn
}

output "schedule_expression" {
  description = "The schedule's cron expression, evaluated in schedule_time_zone."
  value       = aws_scheduler_schedule.daily.schedule_expression
}

output "schedule_time_zone" {
  description = "Time zone of the schedule."
  value       = aws_scheduler_schedule.daily.schedule_expression_timezone
}

output "sender" {
  description = "The From address."
  value       = var.sender.email
}
