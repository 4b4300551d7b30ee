output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN for API Gateway integrations (`apigateway` service path). Points at the unqualified function."
  value       = aws_lambda_function.this.invoke_arn
}

output "qualified_arn" {
  description = "ARN of the function with its latest published version (`:$LATEST` when not publishing)."
  value       = aws_lambda_function.this.qualified_arn
}

output "version" {
  description = "Latest published version (`$LATEST` when not publishing)."
  value       = aws_lambda_function.this.version
}

output "role_name" {
  description = "Name of the execution role. Attach extra policies to it from the caller if `policy_statements` is not enough."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Name of the function's log group, `/aws/lambda/<name>`."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group (without the `:*` suffix)."
  value       = aws_cloudwatch_log_group.this.arn
}

output "alias_arn" {
  description = "ARN of the alias; null when no alias is created. Point triggers at this when using an alias."
  value       = one(aws_lambda_alias.this[*].arn)
}

output "alias_invoke_arn" {
  description = "API Gateway invoke ARN of the alias; null when no alias is created."
  value       = one(aws_lambda_alias.this[*].invoke_arn)
}
