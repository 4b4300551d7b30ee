output "function_names" {
  description = "Every function of every scenario, by scenario and function role."
  value = {
    ec2_scheduler       = module.ec2_scheduler.function_names
    s3_object_index     = module.s3_object_index.function_names
    ebs_snapshot_backup = module.ebs_snapshot_backup.function_names
    image_renditions    = module.image_renditions.function_names
    json_to_csv         = module.json_to_csv.function_names
    alarm_notifier      = module.alarm_notifier.function_names
    scheduled_message   = module.scheduled_message.function_names
    fleet_provisioner   = module.fleet_provisioner.function_names
  }
}

output "on_failure_queue_urls" {
  description = "Every on-failure queue, by scenario and function role."
  value = {
    s3_object_index     = module.s3_object_index.on_failure_queue_urls
    ebs_snapshot_backup = module.ebs_snapshot_backup.on_failure_queue_urls
    image_renditions    = module.image_renditions.on_failure_queue_urls
    json_to_csv         = module.json_to_csv.on_failure_queue_urls
    alarm_notifier      = module.alarm_notifier.on_failure_queue_urls
    scheduled_message   = module.scheduled_message.on_failure_queue_urls
  }
}
