output "hello" {
  description = "The smoke-test function (null when disabled)."
  value = one([for m in module.hello : {
    function_name  = m.function_name
    function_arn   = m.function_arn
    log_group_name = m.log_group_name
  }])
}

output "powertools_layer_arn" {
  description = "ARN of the shared aws-lambda-powertools layer version (null when no scenario is on)."
  value       = one(aws_lambda_layer_version.powertools[*].arn)
}

output "s3_object_index" {
  description = "Scenario 2, S3 object index (null when disabled): bucket, table, queue, functions and API endpoints."
  value = one([for m in module.s3_object_index : {
    bucket_name           = m.bucket_names["uploads"]
    table_name            = m.table_name
    on_failure_queue_url  = m.on_failure_queue_urls["indexer"]
    indexer_function_name = m.function_names["indexer"]
    api_function_name     = lookup(m.function_names, "api", null)
    function_url          = m.function_url
    rest_api_id           = m.rest_api_id
    rest_api_stage        = m.rest_api_stage
    rest_api_url          = m.rest_api_url
  }])
}

output "pillow_layer_arn" {
  description = "ARN of the shared Pillow layer version (null unless scenario 4, image renditions, is on)."
  value       = one(aws_lambda_layer_version.pillow[*].arn)
}

output "image_renditions" {
  description = "Scenario 4, image renditions (null when disabled): buckets, results table, failure queue, functions, renditions."
  value = one([for m in module.image_renditions : {
    source_bucket_name       = m.source_bucket_name
    destination_bucket_name  = m.destination_bucket_name
    results_table_name       = m.results_table_name
    on_failure_queue_url     = m.on_failure_queue_urls["renditions"]
    renditions_function_name = m.function_names["renditions"]
    renditions_log_group     = m.log_group_names["renditions"]
    report_function_name     = m.function_names["report"]
    renditions               = m.renditions
    replica                  = m.replica
  }])
}

output "alarm_notifier" {
  description = "Scenario 6, alarm notifier (null when disabled): alarm topic, notification topic, function, alarms, failure queue."
  value = one([for m in module.alarm_notifier : {
    alarm_topic_arn            = m.alarm_topic_arn
    notification_topic_arn     = m.notification_topic_arn
    function_name              = m.function_names["notifier"]
    log_group_name             = m.log_group_names["notifier"]
    on_failure_queue_url       = m.on_failure_queue_urls["notifier"]
    delivery_table_name        = m.delivery_table_name
    cpu_alarm_names            = m.cpu_alarm_names
    log_alarm_names            = m.log_alarm_names
    webhook_url_parameter_name = m.webhook_url_parameter_name
  }])
}

output "json_to_csv" {
  description = "Scenario 5, JSON to CSV (null when disabled): bucket, prefixes, stream, functions and failure queues."
  value = one([for m in module.json_to_csv : {
    bucket_name               = m.input_bucket_name
    input_prefix              = m.input_prefix
    output_bucket_name        = m.output_bucket_name
    prefixes                  = m.prefixes
    converter_function_name   = m.function_names["s3"]
    s3_failures_queue_url     = m.on_failure_queue_urls["s3"]
    stream_name               = m.stream_name
    stream_function_name      = lookup(m.function_names, "stream", null)
    stream_failures_queue_url = lookup(m.on_failure_queue_urls, "stream", null)
  }])
}

output "ec2_scheduler" {
  description = "Scenario 1, EC2 scheduler (null when disabled): the scheduler function, its rule, regions, tag key and schedules."
  value = one([for m in module.ec2_scheduler : {
    function_name  = m.function_names["scheduler"]
    log_group_name = m.log_group_names["scheduler"]
    rule_name      = m.schedule_names["reconcile"]
    regions        = m.regions
    tag_key        = m.tag_key
    schedule_names = m.schedule_tag_values
  }])
}

output "ebs_snapshot_backup" {
  description = "Scenario 3, EBS snapshot backup (null when disabled): the backup function, its schedule and on-failure queue."
  value = one([for m in module.ebs_snapshot_backup : {
    function_name        = m.function_names["backup"]
    log_group_name       = m.log_group_names["backup"]
    schedule_rule_name   = m.schedule_names["backup"]
    on_failure_queue_url = m.on_failure_queue_urls["backup"]
    managed_tag_key      = m.managed_tag.key
    managed_tag_value    = m.managed_tag.value
    regions              = m.regions
    copy_region          = m.copy_region
  }])
}

output "fleet_provisioner" {
  description = "Scenario 8, fleet provisioner (null when disabled): function, fleet parameter, owner tag, schedule rules."
  value = one([for m in module.fleet_provisioner : {
    function_name       = m.function_names["provisioner"]
    parameter_name      = m.parameter_name
    owner_tag           = m.owner_tag
    schedule_rule_names = m.schedule_names
    log_group_name      = m.log_group_names["provisioner"]
  }])
}

output "scheduled_message" {
  description = "Scenario 7, scheduled message (null when disabled): recipients table, function, schedule, failure queue."
  value = one([for m in module.scheduled_message : {
    table_name          = m.table_name
    function_name       = m.function_names["sender"]
    log_group_name      = m.log_group_names["sender"]
    schedule_name       = m.schedule_names["daily"]
    schedule_expression = m.schedule_expression
    schedule_time_zone  = m.schedule_time_zone
    failure_queue_url   = m.on_failure_queue_urls["sender"]
    sender              = m.sender
  }])
}
