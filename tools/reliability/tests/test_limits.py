from __future__ import annotations

from reliability import limits


def test_one_bucket_index_saturates_at_the_partition_before_lambda() -> None:
    pipeline = limits.s3_object_index(duration_s=0.05)
    assert pipeline.binding().name.startswith("DynamoDB partition")
    assert pipeline.binding().capacity == 1000
    slow = limits.s3_object_index(duration_s=2.0)
    assert slow.binding().name == "Lambda concurrency" and slow.binding().capacity == 500


def test_stream_is_bound_by_shard_writes_then_by_record_size() -> None:
    assert limits.json_to_csv_stream(shards=4).binding().capacity == 4000
    assert limits.json_to_csv_stream(shards=1, record_bytes=4096).binding().capacity == 256
    slow = limits.json_to_csv_stream(shards=2, batch_size=100, batch_duration_s=1.0)
    assert slow.binding().name.startswith("Lambda consumer") and slow.binding().capacity == 200


def test_backlog_and_render() -> None:
    pipeline = limits.fleet_provisioner()
    assert limits.backlog_after(pipeline, 10, 60) == 480
    assert limits.backlog_after(pipeline, 1, 60) == 0
    text = limits.render(limits.simulate_all())
    assert text.count("saturates first") == len(limits.simulate_all())


def test_scheduled_batches_are_bound_by_ec2_tokens_and_the_ses_rate() -> None:
    assert limits.ec2_scheduler().binding().capacity == 2  # StartInstances refill
    assert limits.ebs_snapshot_backup().binding().capacity == 20 / 60  # cross-Region copies
    assert limits.scheduled_message().binding().name == "SES sandbox"
    slow = limits.scheduled_message(send_s=1.0)
    assert slow.binding().name == "one sequential run"
