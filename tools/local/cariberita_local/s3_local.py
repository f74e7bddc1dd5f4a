"""A local bucket that behaves like the deployed one: moto S3 + SQS on loopback.

Uploads to the bucket send S3 event notifications to an SQS queue (moto delivers them in
server mode, as in AWS); a poller plays Lambda's SQS event source mapping: it receives up to
ten messages, invokes the real ``functions/ingest/app.py`` handler with the SQS batch event,
deletes the messages the handler did not report in ``batchItemFailures`` and leaves the rest
to come back after the visibility timeout (a redrive policy moves them to a dead-letter queue
after a few attempts). The handler writes its report under the reports prefix.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from cariberita_local.sequencer import install_in_moto
from cariberita_local.sqs_events import object_keys, sqs_event

log = logging.getLogger("cariberita_local.s3")

REGION = "ap-southeast-3"
VISIBILITY_TIMEOUT_S = 30
MAX_RECEIVE_COUNT = 3


def aws_environment(endpoint: str) -> dict[str, str]:
    """Environment that points boto3 (ours and the handlers') at the local S3 and SQS."""
    return {
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ENDPOINT_URL_SQS": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any credentials
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }


class PortInUse(RuntimeError):
    """A port the local stack was asked to listen on is taken."""


class LocalS3:
    """The moto server, the bucket with its notification queue, and the ingest poller."""

    def __init__(
        self,
        invoke_ingest: Callable[[dict[str, Any]], Any],
        bucket: str = "cariberita-local",
        host: str = "127.0.0.1",
        port: int = 4566,
        visibility_timeout_s: int = VISIBILITY_TIMEOUT_S,
    ) -> None:
        self.bucket = bucket
        self.visibility_timeout_s = visibility_timeout_s
        self._invoke = invoke_ingest
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self._address = (host, port)
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._done: set[str] = set()
        self._done_lock = threading.Condition()
        self.endpoint = ""
        self.queue_url = ""
        self.queue_arn = ""

    def start(self) -> str:
        """Start the server, create bucket + queues + notifications; return the endpoint."""
        # moto's server thread dies silently on a busy port and start() then waits forever.
        host, port = self._address
        if port:
            with socket.socket() as probe:
                # Like the server's own socket: a port left in TIME_WAIT counts as free.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((host, port))
                except OSError as exc:
                    raise PortInUse(
                        f"S3 port {port} is in use (another `make run`?): use --s3-port"
                    ) from exc
        install_in_moto()  # notifications carry S3's per-key order (sequencer, versionId)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        os.environ.update(aws_environment(self.endpoint))
        # The functions build their S3 client once per container, from the environment: one
        # built before this server (an earlier stack, a benchmark's own moto in this process)
        # would read and write elsewhere, and every upload here would fail.
        from cariberita.storage import s3_client

        s3_client.cache_clear()
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION)
        self.sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
        self.s3.create_bucket(
            Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        dlq_url = self.sqs.create_queue(QueueName=f"{self.bucket}-ingest-dlq")["QueueUrl"]
        dlq_arn = self._arn(dlq_url)
        redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
        self.queue_url = self.sqs.create_queue(
            QueueName=f"{self.bucket}-ingest",
            Attributes={
                "VisibilityTimeout": str(self.visibility_timeout_s),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
        self.queue_arn = self._arn(self.queue_url)
        self.s3.put_bucket_notification_configuration(
            Bucket=self.bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": self.queue_arn,
                        "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    }
                ]
            },
        )
        self._poller = threading.Thread(target=self._poll, name="local-s3-ingest", daemon=True)
        self._poller.start()
        return self.endpoint

    def stop(self) -> None:
        self._stop.set()
        if self._poller:
            self._poller.join(timeout=VISIBILITY_TIMEOUT_S)
        self._server.stop()

    def _arn(self, queue_url: str) -> str:
        attributes = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        return attributes["Attributes"]["QueueArn"]

    # --- the event source mapping -----------------------------------------------------------

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception:  # the server is going away at shutdown
                if not self._stop.is_set():
                    log.exception("receiving from the ingest queue failed")
                    time.sleep(1)
                continue
            if messages:
                self._deliver(messages)

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        event = sqs_event(messages, self.queue_arn)
        try:
            result = self._invoke(event)
        except Exception:  # like Lambda: the whole batch becomes visible again later
            log.exception("ingest handler failed; %d message(s) will be redelivered", len(messages))
            return
        failed = {f.get("itemIdentifier") for f in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
                ],
            )
        if failed:
            log.warning(
                "ingest reported %d failed message(s); they will be redelivered", len(failed)
            )
        keys = [key for m in done for key in object_keys(m["Body"])]
        for key in keys:
            log.info("ingested s3://%s/%s", self.bucket, key)
        with self._done_lock:
            self._done.update(keys)
            self._done_lock.notify_all()

    def wait_until_ingested(self, keys: Iterable[str], timeout_s: float = 300.0) -> set[str]:
        """Block until the handler acknowledged every key; return the keys still missing."""
        wanted = set(keys)
        deadline = time.monotonic() + timeout_s
        with self._done_lock:
            while not wanted <= self._done and time.monotonic() < deadline:
                self._done_lock.wait(timeout=0.5)
            return wanted - self._done

    def ingested_keys(self) -> set[str]:
        with self._done_lock:
            return set(self._done)
