"""Run one consumer of the listing-change streams (listings.stream; docs/ingest.md)."""

import logging
import signal

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from listings.stream import DEFAULT_PREFIX, StreamConsumer


class Command(BaseCommand):
    help = ("Consume listing changes from the Redis Streams <prefix>:0..P-1 (consumer group `ingest`). "
            "Start one per core, on as many machines as needed: the partitions are shared out among the "
            "live consumers.")

    def add_arguments(self, parser):
        parser.add_argument("--redis", default=settings.INGEST_STREAM_URL,
                            help="Redis URL of the streams (INGEST_STREAM_URL)")
        parser.add_argument("--partitions", type=int, default=settings.INGEST_STREAM_PARTITIONS,
                            help="How many streams (INGEST_STREAM_PARTITIONS); every producer and consumer "
                                 "must agree")
        parser.add_argument("--prefix", default=DEFAULT_PREFIX)
        parser.add_argument("--name", default=None, help="Consumer name (default host-pid); a restarted "
                                                         "consumer with the same name re-reads its pending entries")
        parser.add_argument("--batch", type=int, default=1000,
                            help="Entries read per partition per round (at most 10,000)")
        parser.add_argument("--lease-ms", type=int, default=10_000,
                            help="A dead consumer's partitions are taken over after this long")
        parser.add_argument("--no-read-ahead", action="store_true",
                            help="Read a round only once the last one is applied (by default the next round "
                                 "is read while one applies)")
        parser.add_argument("--idle-exit", type=float, default=None,
                            help="Exit after this many seconds with nothing to read (tests, benches)")

    def handle(self, *args, **options):
        if not options["redis"]:
            raise CommandError("No Redis: pass --redis or set INGEST_STREAM_URL (or CELERY_BROKER_URL).")
        if not 1 <= options["batch"] <= 10_000:
            raise CommandError("--batch: from 1 to 10,000.")
        if options["partitions"] < 1:
            raise CommandError("--partitions: at least 1.")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        if options["verbosity"] >= 2:  # a line a round: entries read, their age, time applying
            logging.getLogger("listings.stream").setLevel(logging.DEBUG)
        client = redis.Redis.from_url(options["redis"], socket_timeout=30, socket_connect_timeout=5)
        consumer = StreamConsumer(client, partitions=options["partitions"], prefix=options["prefix"],
                                  name=options["name"], batch=options["batch"], lease_ms=options["lease_ms"],
                                  read_ahead=not options["no_read_ahead"])

        def stop(signum, frame):
            consumer.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"consumer {consumer.name}: {options['partitions']} partitions at {options['prefix']}:*")
        applied = consumer.run(idle_exit=options["idle_exit"])
        self.stdout.write(f"consumer {consumer.name}: stopped after applying {applied} changes")
