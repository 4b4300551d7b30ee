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

output "converter_function_name" {
  description = "Name of the S3 converter function."
  value       = module.converter.function_name
}

output "converter_log_group_name" {
  description = "Log group of the S3 converter."
  value       = module.converter.log_group_name
}

output "s3_failures_queue_url" {
  description = "SQS queue receiving S3 events the converter failed on after its retries."
  value       = module.s3_failures_queue.url
}

output "stream_name" {
  description = "Name of the Kinesis stream (null when the stream path is off)."
  value       = var.stream.enabled ? element(split("/", local.stream_arn), 1) : null
}

output "stream_arn" {
  description = "ARN of the Kinesis stream (null when the stream path is off)."
  value       = local.stream_arn
}

output "stream_function_name" {
  description = "Name of the stream converter function (null when the stream path is off)."
  value       = var.stream.enabled ? module.stream_converter[0].function_name : null
}

output "stream_failures_queue_url" {
  description = "SQS on-failure destination of the event source mapping (null when off)."
  value       = var.stream.enabled ? module.stream_failures_queue[0].url : null
}

output "event_source_mapping_uuid" {
  description = "UUID of the Kinesis event source mapping (null when off)."
  value       = var.stream.enabled ? aws_lambda_event_source_mapping.stream[0].uuid : null
}
