output "table_name" {
  description = "DynamoDB table holding the index."
  value       = module.object_index.table_name
}

output "bucket_names" {
  description = "Indexed buckets."
  value       = module.object_index.bucket_names
}
