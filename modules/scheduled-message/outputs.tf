output "table_name" {
  description = "Recipients table (partition key recipient_id; attributes name, email, birthday, optional time_zone; the function adds last_sent_on, send_status, message_id, sent_at)."
  value       = aws_dynamodb_table.recipients.name
}

output "table_arn" {
  description = "ARN of the recipients table."
  value       = aws_dynamodb_table.recipients.arn
}

output "function_name" {
  description = "Name of the message function. Invoke it with {\"scheduled_time\": \"<ISO time>\"} to replay a day."
  value       = module.function.function_name
}

output "log_group_name" {
  description = "Log group of the message function."
  value       = module.function.log_group_name
}

output "schedule_name" {
  description = "Name of the EventBridge Scheduler schedule (default group)."
  value       = aws_scheduler_schedule.daily.name
}

output "schedule_expression" {
  description = "The schedule's cron expression, evaluated in schedule_time_zone."
  value       = aws_scheduler_schedule.daily.schedule_expression
}

output "schedule_time_zone" {
  description = "Time zone of the schedule."
  value       = aws_scheduler_schedule.daily.schedule_expression_timezone
}

output "failure_queue_url" {
  description = "SQS queue receiving runs the schedule or Lambda gave up on."
  value       = module.failures_queue.url
}

output "sender" {
  description = "The From address."
  value       = var.sender.email
}
