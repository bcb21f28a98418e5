# A group consumer for the groups interop suite (test/interop/groups-*.test.ts), for kafka-python
# or confluent-kafka-python: joins a group, prints one JSON line per event on stdout
#   {"ev":"assign","partitions":[...]}  {"ev":"rec","p":P,"o":OFFSET,"v":VALUE}  {"ev":"commit"}
# commits synchronously after each poll, and leaves the group cleanly when stdin closes.
# usage: group_consumer.py kafka-python|confluent BOOTSTRAP GROUP TOPIC [SESSION_MS] [INSTANCE_ID]
import json
import os
import select
import sys

lib, bootstrap, group, topic = sys.argv[1:5]
session_ms = int(sys.argv[5]) if len(sys.argv) > 5 else 3000
instance = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else None


def out(o):
    sys.stdout.write(json.dumps(o) + '\n')
    sys.stdout.flush()


def stdin_closed():
    r, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(r) and os.read(sys.stdin.fileno(), 1024) == b''


if lib == 'kafka-python':
    from kafka import KafkaConsumer, ConsumerRebalanceListener

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            pass

        def on_partitions_assigned(self, assigned):
            out({'ev': 'assign', 'partitions': sorted(tp.partition for tp in assigned)})

    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id='kwasm-groups', auto_offset_reset='earliest',
                      enable_auto_commit=False, session_timeout_ms=session_ms, heartbeat_interval_ms=max(100, session_ms // 6),
                      max_poll_records=50)
    c.subscribe([topic], listener=Listener())
    while not stdin_closed():
        batch = c.poll(timeout_ms=200)
        n = 0
        for tp, msgs in batch.items():
            for m in msgs:
                out({'ev': 'rec', 'p': tp.partition, 'o': m.offset, 'v': m.value.decode()})
                n += 1
        if n:
            c.commit()
            out({'ev': 'commit'})
    c.close()
else:
    from confluent_kafka import Consumer

    conf = {'bootstrap.servers': bootstrap, 'group.id': group, 'client.id': 'kwasm-groups', 'auto.offset.reset': 'earliest',
            'enable.auto.commit': False, 'session.timeout.ms': session_ms, 'heartbeat.interval.ms': max(100, session_ms // 6)}
    if instance:
        conf['group.instance.id'] = instance
    c = Consumer(conf)

    def on_assign(consumer, partitions):
        out({'ev': 'assign', 'partitions': sorted(p.partition for p in partitions)})

    def on_revoke(consumer, partitions):
        out({'ev': 'assign', 'partitions': []})

    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    while not stdin_closed():
        msgs = c.consume(num_messages=50, timeout=0.2)
        n = 0
        for m in msgs:
            if m.error():
                continue
            out({'ev': 'rec', 'p': m.partition(), 'o': m.offset(), 'v': m.value().decode()})
            n += 1
        if n:
            c.commit(asynchronous=False)
            out({'ev': 'commit'})
    c.close()
out({'ev': 'closed'})
