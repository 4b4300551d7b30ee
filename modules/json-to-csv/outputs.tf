# Contract outputs (the top-level README, Module interface): maps keyed by function role.
output "function_names" {
  description = "Function names by role: s3 (the S3 converter), stream (the Kinesis converter; absent when the stream path is off)."
  value       = merge({ s3 = module.converter.function_name }, { for m in module.stream_converter : "stream" => m.function_name })
}

output "function_arns" {
  description = "Function ARNs by role: s3, stream (absent when the stream path is off)."
  value       = merge({ s3 = module.converter.function_arn }, { for m in module.stream_converter : "stream" => m.function_arn })
}

output "log_group_names" {
  description = "Log groups by function role: s3, stream (absent when the stream path is off)."
  value       = merge({ s3 = module.converter.log_group_name }, { for m in module.stream_converter : "stream" => m.log_group_name })
}

output "role_names" {
  description = "Execution role names by function role: s3, stream (absent when the stream path is off)."
  value       = merge({ s3 = module.converter.role_name }, { for m in module.stream_converter : "stream" => m.role_name })
}

output "on_failure_queue_urls" {
  description = "On-failure SQS queues by function role: s3 (S3 events the converter failed on after its retries), stream (the event source mapping's on-failure destination; absent when the stream path is off)."
  value       = merge({ s3 = module.s3_failures_queue.url }, { for q in module.stream_failures_queue : "stream" => q.url })
}

output "on_failure_queue_arns" {
  description = "ARNs of the on-failure queues by function role."
  value       = merge({ s3 = module.s3_failures_queue.arn }, { for q in module.stream_failures_queue : "stream" => q.arn })
}

# Scenario outputs.
output "input_bucket_name" {
  description = "Bucket where JSON objects arrive (under input_prefix)."
  value       = var.input.bucket_name
}

output "input_prefix" {
  description = "Only keys under this prefix are converted."
  value       = var.input.prefix
}

output "output_bucket_name" {
  description = "Bucket receiving CSV and quarantine objects."
  value       = local.output_bucket
}

output "prefixes" {
  description = "Output prefixes: csv, quarantine (S3 path), stream, stream_quarantine (Kinesis path)."
  value = {
    csv               = var.output.prefix
    quarantine        = var.output.quarantine_prefix
    stream            = var.output.stream_prefix
    stream_quarantine = var.output.stream_quarantine_prefix
  }
}

output "stream_name" {
  description = "Name of the Kinesis stream (null when the stream path is off)."
  value       = local.stream_arn == null ? null : element(split("/", local.stream_arn), 1)
}

output "stream_arn" {
  description = "ARN of the Kinesis stream (null when the stream path is off)."
  value       = local.stream_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the Kinesis event source mapping (null when off)."
  value       = one(aws_lambda_event_source_mapping.stream[*].uuid)
}
