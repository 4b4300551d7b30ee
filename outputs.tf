output "hello" {
  description = "The smoke-test function (null when disabled)."
  value = var.enable_hello ? {
    function_name  = module.hello[0].function_name
    function_arn   = module.hello[0].function_arn
    log_group_name = module.hello[0].log_group_name
  } : null
}

output "powertools_layer_arn" {
  description = "ARN of the shared aws-lambda-powertools layer version."
  value       = aws_lambda_layer_version.powertools.arn
}

output "s3_object_index" {
  description = "Scenario 2 (null when disabled): bucket, table, queue, functions and API endpoints."
  value = var.enable_s3_object_index ? {
    bucket_name           = module.s3_object_index[0].bucket_names["uploads"]
    table_name            = module.s3_object_index[0].table_name
    on_failure_queue_url  = module.s3_object_index[0].on_failure_queue_url
    indexer_function_name = module.s3_object_index[0].indexer_function_name
    api_function_name     = module.s3_object_index[0].api_function_name
    function_url          = module.s3_object_index[0].function_url
    rest_api_id           = module.s3_object_index[0].rest_api_id
    rest_api_stage        = module.s3_object_index[0].rest_api_stage
    rest_api_url          = module.s3_object_index[0].rest_api_url
  } : null
}

output "pillow_layer_arn" {
  description = "ARN of the shared Pillow layer version."
  value       = aws_lambda_layer_version.pillow.arn
}

output "image_renditions" {
  description = "Scenario 6 (null when disabled): buckets, results table, failure queue, functions, renditions."
  value = var.enable_image_renditions ? {
    source_bucket_name       = module.image_renditions[0].source_bucket_name
    destination_bucket_name  = module.image_renditions[0].destination_bucket_name
    results_table_name       = module.image_renditions[0].results_table_name
    on_failure_queue_url     = module.image_renditions[0].on_failure_queue_url
    renditions_function_name = module.image_renditions[0].renditions_function_name
    renditions_log_group     = module.image_renditions[0].renditions_log_group_name
    report_function_name     = module.image_renditions[0].report_function_name
    renditions               = module.image_renditions[0].renditions
    replica                  = var.image_renditions.replica
  } : null
}

output "alarm_notifier" {
  description = "Scenario 8A (null when disabled): alarm topic, notification topic, function, alarms, failure queue."
  value = var.enable_alarm_notifier ? {
    alarm_topic_arn            = module.alarm_notifier[0].alarm_topic_arn
    notification_topic_arn     = module.alarm_notifier[0].notification_topic_arn
    function_name              = module.alarm_notifier[0].function_name
    log_group_name             = module.alarm_notifier[0].log_group_name
    on_failure_queue_url       = module.alarm_notifier[0].on_failure_queue_url
    delivery_table_name        = module.alarm_notifier[0].delivery_table_name
    cpu_alarm_names            = module.alarm_notifier[0].cpu_alarm_names
    log_alarm_names            = module.alarm_notifier[0].log_alarm_names
    webhook_url_parameter_name = module.alarm_notifier[0].webhook_url_parameter_name
  } : null
}

output "json_to_csv" {
  description = "Scenario 7 (null when disabled): bucket, prefixes, stream, functions and failure queues."
  value = var.enable_json_to_csv ? {
    bucket_name               = module.json_to_csv[0].input_bucket_name
    input_prefix              = module.json_to_csv[0].input_prefix
    output_bucket_name        = module.json_to_csv[0].output_bucket_name
    prefixes                  = module.json_to_csv[0].prefixes
    converter_function_name   = module.json_to_csv[0].converter_function_name
    s3_failures_queue_url     = module.json_to_csv[0].s3_failures_queue_url
    stream_name               = module.json_to_csv[0].stream_name
    stream_function_name      = module.json_to_csv[0].stream_function_name
    stream_failures_queue_url = module.json_to_csv[0].stream_failures_queue_url
  } : null
}

output "ec2_scheduler" {
  description = "Scenario 4a (null when disabled): the scheduler function, its rule, regions, tag key and schedules."
  value = var.enable_ec2_scheduler ? {
    function_name  = module.ec2_scheduler[0].function_name
    log_group_name = module.ec2_scheduler[0].log_group_name
    rule_name      = module.ec2_scheduler[0].rule_name
    regions        = module.ec2_scheduler[0].regions
    tag_key        = module.ec2_scheduler[0].tag_key
    schedule_names = module.ec2_scheduler[0].schedule_names
  } : null
}

output "ebs_snapshot_backup" {
  description = "Scenario 5 (null when disabled): the backup function, its schedule and on-failure queue."
  value = var.enable_ebs_snapshot_backup ? {
    function_name        = module.ebs_snapshot_backup[0].function_name
    log_group_name       = module.ebs_snapshot_backup[0].log_group_name
    schedule_rule_name   = module.ebs_snapshot_backup[0].schedule_rule_name
    on_failure_queue_url = module.ebs_snapshot_backup[0].on_failure_queue_url
    managed_tag_key      = module.ebs_snapshot_backup[0].managed_tag_key
    managed_tag_value    = "${var.name_prefix}-ebs-backup"
    regions              = var.ebs_snapshot_backup.regions
    copy_region          = try(var.ebs_snapshot_backup.copy.region, null)
  } : null
}

output "fleet_provisioner" {
  description = "Fleet provisioner (null when disabled): function, fleet parameter, owner tag, schedule rules."
  value = var.enable_fleet_provisioner ? {
    function_name       = module.fleet_provisioner[0].function_name
    parameter_name      = module.fleet_provisioner[0].parameter_name
    owner_tag           = module.fleet_provisioner[0].owner_tag
    schedule_rule_names = module.fleet_provisioner[0].schedule_rule_names
    log_group_name      = module.fleet_provisioner[0].log_group_name
  } : null
}

output "scheduled_message" {
  description = "Scenario 8B (null when disabled): recipients table, function, schedule, failure queue."
  value = var.enable_scheduled_message ? {
    table_name          = module.scheduled_message[0].table_name
    function_name       = module.scheduled_message[0].function_name
    log_group_name      = module.scheduled_message[0].log_group_name
    schedule_name       = module.scheduled_message[0].schedule_name
    schedule_expression = module.scheduled_message[0].schedule_expression
    schedule_time_zone  = module.scheduled_message[0].schedule_time_zone
    failure_queue_url   = module.scheduled_message[0].failure_queue_url
    sender              = module.scheduled_message[0].sender
  } : null
}
