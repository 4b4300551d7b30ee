"""Read-only HTTP API over the S3 object index (Lambda function URL and API Gateway REST)."""
