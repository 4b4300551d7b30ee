output "hello" {
  description = "The smoke-test function (null when disabled)."
  value = var.enable_hello ? {
    function_name  = module.hello[0].function_name
    function_arn   = module.hello[0].function_arn
    log_group_name = module.hello[0].log_group_name
  } : null
}

output "powertools_layer_arn" {
  description = "ARN of the shared aws-lambda-powertools layer version."
  value       = aws_lambda_layer_version.powertools.arn
}
