output "name" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "id" {
  description = "Bucket id (the name; use it as the `bucket` argument of other aws_s3_bucket_* resources)."
  value       = aws_s3_bucket.this.id
}
