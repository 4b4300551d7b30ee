"""Where each pipeline saturates at AWS scale: a steady-state model over AWS's published quotas.

Each pipeline is a chain of stages; a stage's capacity is in the pipeline's input unit per second
(objects, records, images, alarms, instances), derived from one quota and the module's shape
(how many requests of which kind one input costs). The first stage to saturate is the smallest
capacity; above it, the backlog grows by (offered - capacity) per second and the module's
failure path takes over (the `then` text). Durations are assumptions, stated per pipeline:
measure your own (REPORT lines) and pass them in.

Quotas (defaults, per account and Region unless noted):
- Lambda: 1,000 concurrent executions; +1,000 environments per 10 s per function
  https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
  async events kept up to 6 h, 0-2 retries:
  https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
- DynamoDB: 1,000 write units/s and 3,000 read units/s per partition; a new on-demand table
  starts at 4,000 write units/s warm throughput; items up to 400 KB
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
- Kinesis: per shard 1 MB/s or 1,000 records/s write, 2 MB/s read, 5 GetRecords/s
  https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
- S3: 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD per second per partitioned prefix
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
- SES: sandbox 1 email/s and 200 per 24 h (quotas count recipients)
  https://docs.aws.amazon.com/ses/latest/dg/quotas.html
- EC2: RunInstances resource tokens: bucket 1,000 instances, refill 2 per second;
  StartInstances 1,000 / 2 per second, StopInstances 1,000 / 20 per second; mutating actions
  (CreateSnapshot, DeleteSnapshot, CopySnapshot) request tokens: bucket 50, refill 5 per second
  https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
- EBS: 20 concurrent snapshot copies per destination Region
  https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html
  https://docs.aws.amazon.com/general/latest/gr/ebs-service.html
- Lambda: 900 s maximum timeout (a scheduled run's whole budget)
  https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
- SES out of the sandbox: the account's own maximum send rate (often 14 emails/s at first)
  https://docs.aws.amazon.com/ses/latest/dg/quotas.html

Scheduled scenarios (1, 3, 7, 8) are batches, not streams: one run per schedule instant does all
its items in turn, so their limit is items per run: capacity x the function's timeout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LAMBDA_CONCURRENCY = 1000
LAMBDA_SCALE_PER_10S = 1000
DDB_PARTITION_WCU = 1000
DDB_ONDEMAND_WARM_WCU = 4000
KINESIS_SHARD_RECORDS = 1000
KINESIS_SHARD_BYTES = 1024 * 1024
S3_PREFIX_WRITES = 3500
S3_PREFIX_READS = 5500
SES_SANDBOX_RATE = 1
EC2_RUN_INSTANCES_REFILL = 2
EC2_RUN_INSTANCES_BUCKET = 1000
EC2_START_INSTANCES_REFILL = 2
EC2_STOP_INSTANCES_REFILL = 20
EC2_MUTATING_REFILL = 5
EBS_CONCURRENT_COPIES = 20
LAMBDA_MAX_TIMEOUT_S = 900


@dataclass(frozen=True)
class Stage:
    name: str
    capacity: float  # inputs per second
    quota: str


@dataclass(frozen=True)
class Pipeline:
    scenario: str
    unit: str
    stages: list[Stage]
    then: str
    assumptions: list[str] = field(default_factory=list)

    def binding(self) -> Stage:
        return min(self.stages, key=lambda stage: stage.capacity)


def s3_object_index(duration_s: float = 0.05) -> Pipeline:
    """One bucket; one async invocation and one conditional PutItem (< 1 KB, 1 WCU) per event.
    The table's partition key is the bucket, so one bucket's rows share one partition key."""
    return Pipeline(
        "2 s3-object-index",
        "object changes/s (one bucket, one prefix)",
        [
            Stage("S3 writes per prefix", S3_PREFIX_WRITES, "3,500 PUT/DELETE/s per prefix"),
            Stage(
                "Lambda concurrency",
                LAMBDA_CONCURRENCY / duration_s,
                f"1,000 concurrent x {duration_s * 1000:.0f} ms per event",
            ),
            Stage(
                "DynamoDB partition (key = bucket)",
                DDB_PARTITION_WCU,
                "1,000 WCU/s per partition, 1 WCU per event",
            ),
            Stage(
                "DynamoDB on-demand warm throughput",
                DDB_ONDEMAND_WARM_WCU,
                "4,000 WRU/s for a new on-demand table",
            ),
        ],
        then="throttled PutItems raise after the SDK's retries; Lambda retries the event "
        "(module default 2), then parks it in the on-failure queue: make redrive SCENARIO=2",
        assumptions=[
            f"handler {duration_s * 1000:.0f} ms per event",
            "DynamoDB may split a hot item collection by sort key (no LSI here): "
            "rates above 1,000/s per bucket are possible, not guaranteed",
        ],
    )


def json_to_csv_stream(
    shards: int = 1,
    record_bytes: int = 1024,
    batch_size: int = 500,
    batch_duration_s: float = 0.5,
    parallelization: int = 1,
) -> Pipeline:
    """Kinesis → one concurrent batch per shard (x parallelization) → one CSV PUT per batch."""
    per_shard_write = min(KINESIS_SHARD_RECORDS, KINESIS_SHARD_BYTES / record_bytes)
    consumer = shards * parallelization * batch_size / batch_duration_s
    return Pipeline(
        "5 json-to-csv (stream)",
        f"records/s ({shards} shard(s), {record_bytes} B each)",
        [
            Stage(
                "Kinesis shard writes",
                shards * per_shard_write,
                "1,000 records/s or 1 MB/s per shard",
            ),
            Stage(
                "Lambda consumer (ESM)",
                consumer,
                f"{parallelization} batch(es) per shard x {batch_size} records / "
                f"{batch_duration_s} s",
            ),
            Stage("S3 CSV writes", S3_PREFIX_WRITES * batch_size, "3,500 PUT/s per prefix"),
        ],
        then="producers get ProvisionedThroughputExceeded (re-send what failed); if the "
        "consumer is the bottleneck the iterator age grows until maximum_record_age (module "
        "default 1 h) sends batch metadata to the failure queue: records stay re-readable from "
        "the shard for its retention (24 h)",
        assumptions=[f"{batch_duration_s} s per batch of {batch_size}"],
    )


def image_renditions(duration_s: float = 1.5, renditions: int = 3) -> Pipeline:
    return Pipeline(
        "4 image-renditions",
        "images/s",
        [
            Stage(
                "Lambda concurrency",
                LAMBDA_CONCURRENCY / duration_s,
                f"1,000 concurrent x {duration_s} s per image (shared with every function)",
            ),
            Stage(
                "S3 rendition writes per prefix",
                S3_PREFIX_WRITES / renditions,
                f"3,500 PUT/s per prefix, {renditions} renditions per image",
            ),
            Stage("S3 source reads", S3_PREFIX_READS, "5,500 GET/s per prefix"),
        ],
        then="throttled async invocations are retried by Lambda for up to the event's maximum "
        "age, then parked in the on-failure queue: make redrive SCENARIO=4",
        assumptions=[f"{duration_s} s per image (Pillow, {renditions} renditions)"],
    )


def alarm_notifier(recipients: int = 1) -> Pipeline:
    return Pipeline(
        "6 alarm-notifier",
        f"alarms/s ({recipients} email recipient(s) each)",
        [
            Stage(
                "SES sending rate (sandbox)",
                SES_SANDBOX_RATE / recipients,
                "1 email/s in the sandbox; quotas count recipients",
            ),
            Stage("Lambda concurrency", LAMBDA_CONCURRENCY / 0.5, "1,000 concurrent x 0.5 s"),
        ],
        then="SES throttling fails the invocation; SNS → Lambda is asynchronous, so Lambda "
        "retries it and parks it in the on-failure queue: make redrive SCENARIO=6",
    )


def fleet_provisioner() -> Pipeline:
    return Pipeline(
        "8 fleet-provisioner",
        "instances/s (sustained, after the 1,000-instance burst)",
        [
            Stage(
                "EC2 RunInstances resource tokens",
                EC2_RUN_INSTANCES_REFILL,
                "bucket 1,000 instances, refill 2/s",
            )
        ],
        then="RunInstances answers RequestLimitExceeded; the next scheduled run reconciles "
        "what is still missing",
    )


def ec2_scheduler(describe_s: float = 0.3, call_s: float = 0.15, timeout_s: int = 120) -> Pipeline:
    """One run per rate period; at a period boundary one Start/Stop call per instance, in turn."""
    sequential = 1 / call_s
    return Pipeline(
        "1 ec2-scheduler",
        f"instances acted on/s at a boundary (one run, timeout {timeout_s} s)",
        [
            Stage(
                "StartInstances resource tokens",
                EC2_START_INSTANCES_REFILL,
                "bucket 1,000 instances, refill 2/s (StopInstances: 20/s)",
            ),
            Stage("one sequential run", sequential, f"{call_s * 1000:.0f} ms per Start/Stop call"),
        ],
        then="StartInstances answers RequestLimitExceeded after the first 1,000 starts; the "
        "instance is an error in the run's summary and the run fails: Lambda "
        "retries the same moment (only the instances still stopped are started), then the "
        f"event is dropped (older than one interval). A run is cut at {timeout_s} s: "
        f"{int(sequential * (timeout_s - describe_s)):,} calls; more instances need a longer "
        "timeout or several deployments, each with its own tag key",
        assumptions=[f"{call_s * 1000:.0f} ms per call, {describe_s} s of Describe per region"],
    )


def ebs_snapshot_backup(create_s: float = 0.3, timeout_s: int = LAMBDA_MAX_TIMEOUT_S) -> Pipeline:
    """One run per window: CreateSnapshot per selected volume, in turn; copies and pruning."""
    return Pipeline(
        "3 ebs-snapshot-backup",
        f"volumes/s in one run (timeout {timeout_s} s)",
        [
            Stage(
                "CreateSnapshot request tokens",
                EC2_MUTATING_REFILL,
                "mutating actions: bucket 50, refill 5/s (shared with Delete/CopySnapshot)",
            ),
            Stage(
                "one sequential run", 1 / create_s, f"{create_s * 1000:.0f} ms per CreateSnapshot"
            ),
            Stage(
                "cross-Region copies in flight",
                EBS_CONCURRENT_COPIES / 60,
                "20 concurrent copies per destination Region, ~60 s each (size-dependent)",
            ),
        ],
        then="throttled calls are retried by the SDK (standard mode, 5 attempts); a volume still "
        "refused is a failure in the summary and the run raises: Lambda retries the same window "
        "(volumes already snapshotted in it are skipped), then parks the event in the on-failure "
        f"queue (make redrive SCENARIO=3). One run does at most "
        f"~{int(EC2_MUTATING_REFILL * timeout_s):,} creates before its timeout; above that, "
        "split the selection over several deployments",
        assumptions=[f"{create_s * 1000:.0f} ms per CreateSnapshot; copies ~60 s each"],
    )


def scheduled_message(send_s: float = 0.08, ses_rate: float = 14) -> Pipeline:
    """One run at the daily time: scan, claim, send, confirm per due recipient, in turn."""
    per_recipient = send_s + 3 * 0.01  # claim + confirm writes, scan share
    return Pipeline(
        "7 scheduled-message",
        "due recipients/s in the daily run",
        [
            Stage("SES sandbox", SES_SANDBOX_RATE, "1 email/s and 200 per 24 h"),
            Stage("SES production send rate", ses_rate, f"{ses_rate:g}/s (the account's quota)"),
            Stage(
                "one sequential run",
                1 / per_recipient,
                f"{per_recipient * 1000:.0f} ms per recipient (claim, send, confirm)",
            ),
        ],
        then="SES throttling (Throttling / MaxSendRateExceeded) releases the recipient's claim "
        "and the run raises at the end: the event goes to the failure queue (the module sets no "
        "asynchronous retries) and make redrive SCENARIO=7 sends only the unsent. A run is cut "
        f"at the 900 s timeout: ~{int(LAMBDA_MAX_TIMEOUT_S * min(ses_rate, 1 / per_recipient)):,} "
        "greetings at the slower of the send rate and the run's pace; the recipient whose send "
        "was cut keeps a stale claim (at most once: logged, not resent), the redrive does the rest",
        assumptions=[f"{send_s * 1000:.0f} ms per SendEmail", "DynamoDB on demand (not binding)"],
    )


def simulate_all() -> list[Pipeline]:
    return [
        ec2_scheduler(),
        s3_object_index(),
        image_renditions(),
        json_to_csv_stream(shards=1),
        json_to_csv_stream(shards=4, record_bytes=2048),
        ebs_snapshot_backup(),
        alarm_notifier(recipients=5),
        scheduled_message(),
        fleet_provisioner(),
    ]


def backlog_after(pipeline: Pipeline, offered: float, seconds: float) -> float:
    return max(0.0, offered - pipeline.binding().capacity) * seconds


def render(pipelines: list[Pipeline], offered: tuple[float, ...] = (10, 100, 1000, 10000)) -> str:
    lines = []
    for pipeline in pipelines:
        first = pipeline.binding()
        lines.append(f"{pipeline.scenario} — {pipeline.unit}")
        for stage in sorted(pipeline.stages, key=lambda s: s.capacity):
            mark = "  <- saturates first" if stage is first else ""
            lines.append(f"  {stage.capacity:>12,.1f}/s  {stage.name} ({stage.quota}){mark}")
        backlog = ", ".join(
            f"{rate:,.0f}/s → {backlog_after(pipeline, rate, 60):,.0f}" for rate in offered
        )
        lines.append(f"  backlog after 60 s at offered {backlog}")
        lines.append(f"  then: {pipeline.then}")
        lines += [f"  assumes: {text}" for text in pipeline.assumptions]
        lines.append("")
    return "\n".join(lines)
