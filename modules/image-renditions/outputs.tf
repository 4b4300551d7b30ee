# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: renditions, report (the chained step, the renditions function's on-success destination)."
  value       = { renditions = module.processor.function_name, report = module.reporter.function_name }
}

output "function_arns" {
  description = "Function ARNs by role: renditions, report."
  value       = { renditions = module.processor.function_arn, report = module.reporter.function_arn }
}

output "log_group_names" {
  description = "Log groups by function role: renditions (skipped objects are logged there with their reason), report."
  value       = { renditions = module.processor.log_group_name, report = module.reporter.log_group_name }
}

output "role_names" {
  description = "Execution role names by function role: renditions, report."
  value       = { renditions = module.processor.role_name, report = module.reporter.role_name }
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role (both functions share one queue): events a function failed on after its retries."
  value       = { renditions = module.on_failure_queue.url, report = module.on_failure_queue.url }
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = { renditions = module.on_failure_queue.arn, report = module.on_failure_queue.arn }
}

# Scenario outputs.
output "source_bucket_name" {
  description = "The upload bucket; every ObjectCreated event in it is rendered."
  value       = local.source_name
}

output "destination_bucket_name" {
  description = "The renditions bucket: `<rendition>/<source key stem>.<ext>`, and `<quarantine_prefix>/<key>` for skipped uploads."
  value       = local.dest_name
}

output "results_table_name" {
  description = "DynamoDB table of results (partition key bucket, sort key key = the source object): rendition locations, sizes, bytes, or the skip reason."
  value       = aws_dynamodb_table.results.name
}

output "results_table_arn" {
  description = "ARN of the results table (grant dynamodb:GetItem on it to whoever looks results up)."
  value       = aws_dynamodb_table.results.arn
}

output "renditions" {
  description = "The rendition settings in effect, by name."
  value       = var.renditions
}

output "replica" {
  description = "Where the report step copies every rendition (bucket_name, region, prefix); null without a replica."
  value       = var.replica
}
