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

output "architecture" {
  description = "Instruction set the function runs on (`x86_64` or `arm64`)."
  value       = one(aws_lambda_function.this.architectures)
}

output "package" {
  description = "Where the deployed code comes from: `file` (local zip) or `bucket`/`key`/`version` (S3 object), and the `source_code_hash` (base64 SHA-256) that triggers updates."
  value = {
    file             = aws_lambda_function.this.filename
    bucket           = aws_lambda_function.this.s3_bucket
    key              = aws_lambda_function.this.s3_key
    version          = aws_lambda_function.this.s3_object_version
    source_code_hash = aws_lambda_function.this.source_code_hash
  }
}
