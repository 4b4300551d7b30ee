# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: notifier."
  value       = { notifier = module.function.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: notifier."
  value       = { notifier = module.function.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: notifier."
  value       = { notifier = module.function.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: notifier."
  value       = { notifier = module.function.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: notifier (alarm notifications no channel could deliver after the retries)."
  value       = { notifier = module.on_failure_queue.url }
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = { notifier = module.on_failure_queue.arn }
}

# Scenario outputs.
output "alarm_topic_arn" {
  description = "SNS topic every alarm of this module notifies. Point the alarm_actions/ok_actions of alarms created elsewhere at it to get the same notifications (its policy accepts any alarm of this account and region)."
  value       = aws_sns_topic.alarms.arn
}

output "notification_topic_arn" {
  description = "SNS topic receiving the formatted notifications (null without the notification_topic channel). Subscribe further endpoints here."
  value       = one(aws_sns_topic.notifications[*].arn)
}

output "kms_key_arn" {
  description = "KMS key encrypting the topics, the webhook parameter and the failure queue."
  value       = local.kms_key
}

output "delivery_table_name" {
  description = "DynamoDB table recording each delivery (alarm state change x channel) once, with a TTL."
  value       = aws_dynamodb_table.deliveries.name
}

output "cpu_alarm_names" {
  description = "Names of the CPU alarms, by instance ID."
  value       = { for id, alarm in aws_cloudwatch_metric_alarm.cpu : id => alarm.alarm_name }
}

output "log_alarm_names" {
  description = "Names of the log-pattern alarms, by the keys of log_alarms."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.log : key => alarm.alarm_name }
}

output "webhook_url_parameter_name" {
  description = "SSM parameter holding the webhook URL (null without the webhook channel)."
  value       = local.webhook_parameter_name
}

output "service_key_policy_json" {
  description = "Key policy statements CloudWatch needs to publish to the encrypted alarm topic (kms:Decrypt, kms:GenerateDataKey* for this account's alarms only). Already in the key this module creates; merge it into the policy of a key you pass as kms_key_arn."
  value       = data.aws_iam_policy_document.service_key_use.json
}

output "policy_statements" {
  description = "The statements of the notifier's execution role (besides its own log group and the on-failure queue)."
  value       = local.function_statements
}
