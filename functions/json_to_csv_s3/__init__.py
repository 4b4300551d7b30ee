"""JSON objects arriving in S3 (array, object, JSON Lines, gzip) converted to CSV objects."""
