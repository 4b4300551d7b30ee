output "arn" {
  description = "Queue ARN."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "Queue URL."
  value       = aws_sqs_queue.this.url
}

output "name" {
  description = "Queue name."
  value       = aws_sqs_queue.this.name
}

output "kms_key_arn" {
  description = "The KMS key the queue is encrypted with (null: SQS-managed SSE)."
  value       = aws_sqs_queue.this.kms_master_key_id
}
