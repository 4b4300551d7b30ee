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

output "s3_object_index" {
  description = "Scenario 2 (null when disabled): bucket, table, queue, functions and API endpoints."
  value = var.enable_s3_object_index ? {
    bucket_name           = module.s3_object_index[0].bucket_names["uploads"]
    table_name            = module.s3_object_index[0].table_name
    on_failure_queue_url  = module.s3_object_index[0].on_failure_queue_url
    indexer_function_name = module.s3_object_index[0].indexer_function_name
    api_function_name     = module.s3_object_index[0].api_function_name
    function_url          = module.s3_object_index[0].function_url
    rest_api_id           = module.s3_object_index[0].rest_api_id
    rest_api_stage        = module.s3_object_index[0].rest_api_stage
    rest_api_url          = module.s3_object_index[0].rest_api_url
  } : null
}
