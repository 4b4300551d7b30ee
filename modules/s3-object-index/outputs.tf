output "bucket_names" {
  description = "Indexed bucket names, by the keys of var.buckets."
  value       = local.bucket_names
}

output "table_name" {
  description = "The DynamoDB index table (partition key bucket, sort key key)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the index table."
  value       = aws_dynamodb_table.this.arn
}

output "on_failure_queue_url" {
  description = "SQS queue receiving events the indexer failed on after its retries."
  value       = module.on_failure_queue.url
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure queue."
  value       = module.on_failure_queue.arn
}

output "indexer_function_name" {
  description = "Name of the indexing function."
  value       = module.indexer.function_name
}

output "indexer_log_group_name" {
  description = "Log group of the indexing function."
  value       = module.indexer.log_group_name
}

output "api_function_name" {
  description = "Name of the query API function (null when the API is disabled)."
  value       = var.api.enabled ? module.api[0].function_name : null
}

output "function_url" {
  description = "The query API's Lambda function URL (null when disabled)."
  value       = var.api.enabled ? aws_lambda_function_url.this[0].function_url : null
}

output "rest_api_id" {
  description = "ID of the query API's REST API (null when disabled)."
  value       = var.api.enabled ? aws_api_gateway_rest_api.this[0].id : null
}

output "rest_api_stage" {
  description = "Stage name of the REST API."
  value       = var.api.enabled ? aws_api_gateway_stage.this[0].stage_name : null
}

output "rest_api_url" {
  description = "Invoke URL of the REST API stage (null when disabled)."
  value       = var.api.enabled ? aws_api_gateway_stage.this[0].invoke_url : null
}
