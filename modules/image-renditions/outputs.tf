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

output "on_failure_queue_url" {
  description = "SQS queue receiving events either function failed on after its retries."
  value       = module.on_failure_queue.url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure queue."
  value       = module.on_failure_queue.arn
}

output "renditions_function_name" {
  description = "Name of the renditions function."
  value       = module.processor.function_name
}

output "renditions_log_group_name" {
  description = "Log group of the renditions function (skipped objects are logged there with their reason)."
  value       = module.processor.log_group_name
}

output "report_function_name" {
  description = "Name of the chained report function (the renditions function's on-success destination)."
  value       = module.reporter.function_name
}

output "report_log_group_name" {
  description = "Log group of the report function."
  value       = module.reporter.log_group_name
}

output "renditions" {
  description = "The rendition settings in effect, by name."
  value       = var.renditions
}
