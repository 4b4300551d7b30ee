"""CloudWatch alarm state changes (via SNS) turned into human notifications."""
