"""Index of S3 objects in DynamoDB, kept current from S3 event notifications."""
