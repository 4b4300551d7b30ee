# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: indexer, api (absent when the API is disabled)."
  value       = merge({ indexer = module.indexer.function_name }, { for m in module.api : "api" => m.function_name })
}

output "function_arns" {
  description = "Function ARNs by role: indexer, api (absent when the API is disabled)."
  value       = merge({ indexer = module.indexer.function_arn }, { for m in module.api : "api" => m.function_arn })
}

output "log_group_names" {
  description = "Log groups by function role: indexer, api (absent when the API is disabled)."
  value       = merge({ indexer = module.indexer.log_group_name }, { for m in module.api : "api" => m.log_group_name })
}

output "role_names" {
  description = "Execution role names by function role: indexer, api (absent when the API is disabled)."
  value       = merge({ indexer = module.indexer.role_name }, { for m in module.api : "api" => m.role_name })
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: indexer (S3 events it failed on after its retries)."
  value       = { indexer = module.on_failure_queue.url }
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = { indexer = module.on_failure_queue.arn }
}

# Scenario outputs.
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

output "function_url" {
  description = "The query API's Lambda function URL (null when disabled)."
  value       = one(aws_lambda_function_url.this[*].function_url)
}

output "rest_api_id" {
  description = "ID of the query API's REST API (null when disabled)."
  value       = one(aws_api_gateway_rest_api.this[*].id)
}

output "rest_api_stage" {
  description = "Stage name of the REST API (null when disabled)."
  value       = one(aws_api_gateway_stage.this[*].stage_name)
}

output "rest_api_url" {
  description = "Invoke URL of the REST API stage (null when disabled)."
  value       = one(aws_api_gateway_stage.this[*].invoke_url)
}
