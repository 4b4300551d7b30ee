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

output "function_name" {
  description = "Name of the notifier function."
  value       = module.function.function_name
}

output "log_group_name" {
  description = "Log group of the notifier function."
  value       = module.function.log_group_name
}

output "on_failure_queue_url" {
  description = "SQS queue receiving the alarm notifications a channel could not deliver after the retries; each record carries the error naming the channels and why. Re-invoking the function with the record's requestPayload repeats only those channels."
  value       = aws_sqs_queue.on_failure.url
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
